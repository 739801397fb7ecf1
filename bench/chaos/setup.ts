/**
 * startChaosMesh: the mesh a chaos run breaks — images in zone-a (×2) and zone-b (×1),
 * storage and video in both zones (storage instances share MEDIAMESH_HOME, so either one
 * serves every object and a replacement finds the data), a retry + outlier-detection
 * policy on every service, and fixtures uploaded through the gateway whose digests are
 * checked again after the run.
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { editPolicy } from '../../mesh/control-plane/policy/policy-edit';
import type { ServicePolicy } from '../../mesh/control-plane/policy/types';
import { createZkSession } from '../../mesh/registry';
import { sharp } from '../../services/image/sharp';
import { startMesh, type InstanceSpec, type LocalMesh } from '../../launcher/mesh';
import type { StartedService } from '../../launcher/process';

export type ChaosService = 'image' | 'video' | 'storage';

/** Member is one live instance the run may kill. */
export interface Member {
  readonly service: ChaosService;
  readonly zone: string;
  readonly proc: StartedService;
}

export interface Fixture {
  readonly key: string;
  readonly contentType: string;
  readonly sha256: string;
}

export interface ChaosMesh {
  readonly mesh: LocalMesh;
  readonly members: Member[];
  readonly xdsPort: number;
  readonly bucket: string;
  readonly fixtures: Fixture[];
  readonly png: Buffer;
  /** Starts a replacement of `service` in `zone` and tracks it. */
  replace(service: ChaosService, zone: string): Promise<Member>;
  /** Reads every fixture back; returns the keys whose bytes differ or failed. */
  verifyFixtures(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * CHAOS_POLICY: retries on UNAVAILABLE (3 attempts), outlier detection, and zone preference with
 * 5 % of the calls to the other zones (their instances warm when a zone fails) for every service.
 */
export const CHAOS_POLICY: ServicePolicy = {
  lb: { policy: 'round_robin' },
  retry: { on: ['unavailable'], attempts: 3, backoffBaseMs: 25, backoffMaxMs: 250 },
  outlierDetection: { intervalMs: 1000, baseEjectionMs: 10_000, maxEjectionPercent: 50, failurePercentThreshold: 50, minimumHosts: 2, requestVolume: 10 },
  zonePreference: true,
  crossZonePercent: 5,
};

const sha256 = (b: Buffer | Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** writePolicies stores CHAOS_POLICY for image, storage and video. */
export async function writePolicies(zk: string, policy: ServicePolicy = CHAOS_POLICY): Promise<void> {
  const session = createZkSession({ connectString: zk });
  try {
    if (!(await session.waitConnected(10_000))) throw new Error(`cannot reach ZooKeeper at ${zk}`);
    for (const service of ['image', 'storage', 'video']) await editPolicy(session, '/mediamesh', service, (p) => ({ ...p, ...policy }));
  } finally {
    await session.close();
  }
}

/** makeClip encodes a small test video with ffmpeg. */
function makeClip(dir: string): Buffer {
  const file = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=2', '-pix_fmt', 'yuv420p', file]);
  return fs.readFileSync(file);
}

export interface ChaosMeshOptions {
  /** Extra environment for every process (e.g. MEDIAMESH_ZK_SESSION_TIMEOUT_MS). */
  readonly env?: Record<string, string>;
  readonly echo?: boolean;
  readonly meshMode?: 'envoy' | 'proxyless';
}

/** startChaosMesh brings the mesh up, writes policies and uploads the fixtures. */
export async function startChaosMesh(opts: ChaosMeshOptions = {}): Promise<ChaosMesh> {
  const images: InstanceSpec[] = [
    { instanceId: 'image-a1', zone: 'zone-a' },
    { instanceId: 'image-a2', zone: 'zone-a' },
    { instanceId: 'image-b1', zone: 'zone-b' },
  ];
  // The results cache off: a repeated request must cross the instances being killed, not be a hit.
  const mesh = await startMesh({ images, env: { MEDIAMESH_RESULT_CACHE_BYTES: '0', ...opts.env }, echo: opts.echo, meshMode: opts.meshMode });
  try {
    await writePolicies(mesh.env.MEDIAMESH_ZK);
    const members: Member[] = [
      ...mesh.images.map((proc, i) => ({ service: 'image' as const, zone: images[i].zone!, proc })),
      { service: 'storage', zone: 'zone-a', proc: mesh.storage[0] },
      { service: 'video', zone: 'zone-a', proc: mesh.video[0] },
    ];
    const serial: Record<string, number> = {};
    const replace = async (service: ChaosService, zone: string) => {
      serial[service] = (serial[service] ?? 0) + 1;
      const proc = await mesh.startInstance(service, { zone, instanceId: `${service}-${zone.slice(-1)}-r${serial[service]}` });
      const m: Member = { service, zone, proc };
      members.push(m);
      return m;
    };
    await replace('storage', 'zone-b');
    await replace('video', 'zone-b');

    const gw = mesh.gateway!.url;
    const auth = { authorization: `Bearer ${mesh.adminToken}` };
    const bucket = 'chaos';
    const made = await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: bucket, visibility: 'public' }) });
    if (!made.ok) throw new Error(`create bucket: ${made.status} ${await made.text()}`);
    const bodies: [string, string, Buffer][] = [
      ['sample.jpg', 'image/jpeg', await sharp({ create: { width: 640, height: 427, channels: 3, background: '#808080' } }).jpeg().toBuffer()],
      ['blob.bin', 'application/octet-stream', crypto.randomBytes(256 * 1024)],
      ['clip.mp4', 'video/mp4', makeClip(mesh.home)],
    ];
    const fixtures: Fixture[] = [];
    for (const [key, contentType, body] of bodies) {
      const res = await fetch(`${gw}/${bucket}/${key}`, { method: 'PUT', headers: { ...auth, 'content-type': contentType }, body });
      if (!res.ok) throw new Error(`upload ${key}: ${res.status} ${await res.text()}`);
      fixtures.push({ key, contentType, sha256: sha256(body) });
    }
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#3366cc' } }).png().toBuffer();
    return {
      mesh,
      members,
      xdsPort: Number(mesh.env.MEDIAMESH_XDS_SERVER.split(':')[1]),
      bucket,
      fixtures,
      png,
      replace,
      verifyFixtures: async () => {
        const bad: string[] = [];
        for (const f of fixtures) {
          const res = await fetch(`${gw}/${bucket}/${f.key}`).catch(() => undefined);
          if (!res?.ok || sha256(Buffer.from(await res.arrayBuffer())) !== f.sha256) bad.push(f.key);
        }
        return bad;
      },
      stop: () => mesh.stop(),
    };
  } catch (err) {
    await mesh.stop();
    throw err;
  }
}
