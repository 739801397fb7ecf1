/**
 * The whole mesh with a sidecar per process (what `npm start` runs by default): real ZooKeeper,
 * Jaeger, the control plane, storage, image ×2 and the gateway, each app behind its own Envoy.
 * A thumbnail request crosses gateway → its sidecar → image's sidecar → image → image's sidecar →
 * storage's sidecar → storage and comes back as one trace, correctly parented; every sidecar is
 * ACKED; `mediamesh proxy-config` shows a sidecar in sync with the control plane; an instance
 * killed with SIGKILL takes its sidecar with it and costs no request.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { waitForTrace, type JaegerSpan } from '../../observability/jaeger-query';
import { eventually } from '../control-plane/fixtures/mesh-fixture';
import { describeSpans, newCaller } from '../observability/support';
import { runCli } from '../harness/cli';

let mesh: LocalMesh;

const cli = (...args: string[]) => runCli({ MEDIAMESH_CP_STATUS: `127.0.0.1:${mesh.controlPlane.statusPort}` }, ...args);

const THUMB = '/demo/sample.jpg?imageView2/1/w/64/h/64';

beforeAll(async () => {
  // The results cache off: the repeated thumbnail must reach the image instances (one is killed under load).
  mesh = await startMesh({ meshMode: 'envoy', jaeger: true, video: false, images: [{ zone: 'zone-a' }, { zone: 'zone-a' }], env: { MEDIAMESH_RESULT_CACHE_BYTES: '0' } });
  const auth = { authorization: `Bearer ${mesh.adminToken}` };
  expect((await fetch(`${mesh.gateway!.url}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'demo', visibility: 'public' }) })).status).toBeLessThan(300);
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#cc6633' } }).jpeg().toBuffer();
  expect((await fetch(`${mesh.gateway!.url}/demo/sample.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpeg })).status).toBeLessThan(300);
});
afterAll(async () => {
  await mesh?.stop();
});

/** parentOf finds a span's parent within the trace. */
const parentOf = (spans: JaegerSpan[], s: JaegerSpan) => spans.find((p) => p.spanId === s.parentSpanId);

describe('the mesh with a sidecar per process', () => {
  it('serves through the sidecars: ZooKeeper holds the sidecars’ inbound addresses and every sidecar is ACKED', async () => {
    const res = await fetch(`${mesh.gateway!.url}${THUMB}`);
    expect(res.status).toBe(200);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(64);
    const sidecars = mesh.sidecars();
    expect([...sidecars.keys()].sort()).toEqual(['gateway-1', 'image-1', 'image-2', 'storage-1']);
    expect(sidecars.get('gateway-1')!.inbound).toBeUndefined();
    // The image sidecars' inbound clusters (their apps) served the calls.
    const served = await Promise.all(['image-1', 'image-2'].map(async (id) => Number(/: (\d+)/.exec(await sidecars.get(id)!.envoy.admin('/stats?filter=^cluster\\.inbound\\|\\d+\\.upstream_rq_total$'))?.[1] ?? 0)));
    expect(served[0] + served[1]).toBeGreaterThan(0);
    const status = await cli('status', '--json');
    const nodes = (JSON.parse(status.stdout) as { nodes: Array<{ nodeId: string; role: string; types: Record<string, { status: string }> }> }).nodes;
    const envoyNodes = nodes.filter((n) => n.role === 'envoy');
    expect(envoyNodes.map((n) => n.nodeId).sort()).toEqual(['gateway-1-envoy', 'image-1-envoy', 'image-2-envoy', 'storage-1-envoy']);
    for (const n of envoyNodes) for (const t of ['CDS', 'EDS', 'LDS', 'RDS']) expect(n.types[t]?.status, `${n.nodeId} ${t}`).toBe('ACKED');
  });

  it('streams a large object both ways through the sidecars (32 KiB connection buffers push back, never cut)', async () => {
    const body = randomBytes(24 * 1024 * 1024);
    const auth = { authorization: `Bearer ${mesh.adminToken}` };
    const put = await fetch(`${mesh.gateway!.url}/demo/large.bin`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body });
    expect(put.status).toBeLessThan(300);
    const got = Buffer.from(await (await fetch(`${mesh.gateway!.url}/demo/large.bin`)).arrayBuffer());
    expect(got.length).toBe(body.length);
    expect(got.equals(body)).toBe(true);
  });

  it('makes one trace: gateway → its sidecar → image’s sidecar → image → image’s sidecar → storage’s sidecar → storage', async () => {
    const caller = newCaller();
    const res = await fetch(`${mesh.gateway!.url}/demo/sample.jpg?imageView2/1/w/48/h/48`, { headers: { traceparent: caller.traceparent } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // Envoy and the services batch their spans (Envoy flushes every 5 s): wait until every hop is in.
    const hops: Array<[string, string?]> = [
      ['mediamesh-gateway', 'CLIENT'], ['mediamesh-gateway-envoy-outbound'], ['mediamesh-image-envoy-inbound'], ['mediamesh-image', 'SERVER'],
      ['mediamesh-image', 'CLIENT'], ['mediamesh-image-envoy-outbound'], ['mediamesh-storage-envoy-inbound'], ['mediamesh-storage', 'SERVER'],
    ];
    const trace = await waitForTrace(mesh.jaeger!.uiUrl, caller.traceId, { until: (spans) => hops.every(([svc, kind]) => spans.some((s) => s.service === svc && (!kind || s.kind === kind))) });
    const spans = trace.spans;
    const dump = describeSpans(spans);
    const one = (service: string, kind?: string, name?: RegExp) => {
      const hits = spans.filter((s) => s.service === service && (!kind || s.kind === kind) && (!name || name.test(s.name)));
      expect(hits, `${service} ${kind ?? ''} ${name ?? ''} in ${dump}`).toHaveLength(1);
      return hits[0];
    };
    const storage = one('mediamesh-storage', 'SERVER', /GetObject/);
    const storageIn = one('mediamesh-storage-envoy-inbound');
    const imageOut = one('mediamesh-image-envoy-outbound');
    const imageClient = one('mediamesh-image', 'CLIENT', /GetObject/);
    const image = one('mediamesh-image', 'SERVER', /Process/);
    const imageIn = one('mediamesh-image-envoy-inbound');
    const gatewayOut = one('mediamesh-gateway-envoy-outbound');
    const gatewayClient = one('mediamesh-gateway', 'CLIENT', /Process/);
    // Each hop is the child of the one before it, from storage back up to the gateway's call.
    const chain = [storage, storageIn, imageOut, imageClient, image, imageIn, gatewayOut, gatewayClient];
    for (let i = 0; i < chain.length - 1; i++) expect(parentOf(spans, chain[i])?.spanId, `${chain[i].service} ${chain[i].name} ← ${chain[i + 1].service}; ${dump}`).toBe(chain[i + 1].spanId);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([caller.traceId]));
    expect(gatewayOut.kind).toBe('CLIENT');
    expect(imageIn.kind).toBe('SERVER');
  });

  it('proxy-config shows what a sidecar holds and that it matches the control plane', async () => {
    const gw = mesh.sidecars().get('gateway-1')!;
    const r = await cli('proxy-config', 'gateway-1-envoy', '--admin', gw.adminUrl);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const imageInbound = ['image-1', 'image-2'].map((id) => mesh.sidecars().get(id)!.inbound!);
    for (const address of imageInbound) expect(r.stdout).toMatch(new RegExp(`${address.replace(/\./g, '\\.')}\\s+HEALTHY`));
    expect(r.stdout).toMatch(/outbound\s+127\.0\.0\.1:\d+\s+routes outbound/);
    expect(r.stdout).toMatch(/outbound\/image {2}\[image image:\*\] {2}prefix "" → image/);
    for (const t of ['CDS', 'EDS', 'LDS', 'RDS']) expect(r.stdout).toMatch(new RegExp(`${t} {2}in sync`));
    const json = JSON.parse((await cli('proxy-config', 'gateway-1-envoy', '--admin', gw.adminUrl, '--json')).stdout);
    expect(json.clusters.find((c: { name: string }) => c.name === 'image').endpoints.map((e: { address: string }) => e.address).sort()).toEqual(imageInbound.sort());
  });

  it('an instance killed with SIGKILL takes its sidecar with it and costs no request', async () => {
    const victim = mesh.images[0];
    const sidecar = victim.sidecar!;
    let running = true;
    const codes: number[] = [];
    const load = (async () => {
      while (running) {
        const res = await fetch(`${mesh.gateway!.url}${THUMB}`);
        await res.arrayBuffer();
        codes.push(res.status);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await victim.kill();
    expect(await sidecar.envoy.exited).toBeDefined();
    await new Promise((r) => setTimeout(r, 3_000));
    running = false;
    await load;
    expect(codes.filter((c) => c !== 200)).toEqual([]);
    expect(codes.length).toBeGreaterThan(10);
    await eventually(async () => expect([...mesh.sidecars().keys()]).not.toContain('image-1'));
  });
});
