/**
 * A standby is ready before it is needed: image and video instances dial storage at start, so
 * an instance that has served nothing yet (zone-b while zone-a is healthy) already holds its
 * xDS client and storage's routes and endpoints when a zone outage sends it its first request.
 * Before, the first object read loaded @grpc/grpc-js-xds (~1 s of blocked event loop) and
 * fetched the xDS resources, in the zone outage's first second (issue 23 item 3).
 * Real ZooKeeper, control plane and services; nothing is requested of image or video here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type LocalMesh } from '../../launcher/mesh';

interface NodeStatus {
  nodeId: string | null;
  types: Record<string, { status: string; subscribed: string[] | '*' }>;
}

let mesh: LocalMesh;

beforeAll(async () => {
  mesh = await startMesh({ images: [{ instanceId: 'image-standby', zone: 'zone-b' }], gateway: false });
}, 120_000);

afterAll(async () => {
  await mesh?.stop();
});

async function nodes(): Promise<NodeStatus[]> {
  const res = await fetch(`http://127.0.0.1:${mesh.controlPlane.statusPort}/status`);
  return ((await res.json()) as { nodes: NodeStatus[] }).nodes;
}

describe('standby instances', () => {
  it('have storage routes and endpoints from the control plane before their first request', async () => {
    // Every log line names its instance (the launcher picks the video's id).
    const videoId = String(mesh.video[0]!.logs.find((l) => l.event === 'serving')?.instance);
    // The ADS stream opens right after start; give it a moment on a loaded machine.
    let seen: NodeStatus[] = [];
    for (let i = 0; i < 100; i++) {
      seen = (await nodes()).filter((n) => n.nodeId === 'image-standby' || n.nodeId === videoId);
      if (seen.length === 2 && seen.every((n) => n.types.EDS?.status === 'ACKED')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.map((n) => n.nodeId).sort()).toEqual(['image-standby', videoId].sort());
    for (const n of seen) {
      expect(n.types.LDS, n.nodeId!).toMatchObject({ status: 'ACKED', subscribed: ['storage'] });
      expect(n.types.EDS, n.nodeId!).toMatchObject({ status: 'ACKED' });
    }
  }, 60_000);
});
