/**
 * `mediamesh trace` (issue 23, item 5) against a real Jaeger fed by a real mesh (ZooKeeper, control
 * plane, proxyless xDS, storage, image, gateway, all traced): a request with our own traceparent,
 * read back and drawn as a waterfall — one line per span, indented by parent, service, operation,
 * offset, duration, a bar within the width, errors marked; `--last gateway` finds the latest trace
 * with Jaeger's address taken from $MEDIAMESH_HOME/ready.json as `npm start` writes it.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distEntry } from '../../core/paths';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { fetchTrace, waitForTrace, type JaegerSpan } from '../../observability/jaeger-query';
import { tempDirForTest } from '../harness/temp-dir';
import { newCaller, type Caller } from './support';

let mesh: LocalMesh;
let jaegerUrl: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [distEntry('mesh/cli/main.ts'), 'trace', ...args], { env: { ...process.env, MEDIAMESH_HOME: '/nonexistent', ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

async function gatewayRequest(urlPath: string, init: RequestInit = {}, caller?: Caller): Promise<Response> {
  const res = await fetch(`${mesh.gateway!.url}${urlPath}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(caller ? { traceparent: caller.traceparent } : {}) } });
  await res.arrayBuffer();
  return res;
}

/** traced makes a request with its own trace id and waits until Jaeger holds the whole chain, and no more spans arrive. */
async function traced(urlPath: string): Promise<{ caller: Caller; spans: JaegerSpan[] }> {
  const caller = newCaller();
  await gatewayRequest(urlPath, {}, caller);
  let spans = (
    await waitForTrace(jaegerUrl, caller.traceId, {
      until: (seen) => ['mediamesh-gateway', 'mediamesh-image', 'mediamesh-storage'].every((svc) => seen.some((s) => s.service === svc && s.kind === 'SERVER')),
    })
  ).spans;
  for (;;) {
    await new Promise((r) => setTimeout(r, 700));
    const now = (await fetchTrace(jaegerUrl, caller.traceId))!.spans;
    if (now.length === spans.length) return { caller, spans };
    spans = now;
  }
}

beforeAll(async () => {
  mesh = await startMesh({ images: 1, video: false, jaeger: true, env: { OTEL_BSP_SCHEDULE_DELAY: '200' } });
  jaegerUrl = mesh.jaeger!.uiUrl;
  const admin = { authorization: `Bearer ${mesh.adminToken}` };
  expect((await gatewayRequest('/v1/buckets', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'demo', visibility: 'public' }) })).ok).toBe(true);
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
  for (const [key, body] of [['sample.jpg', jpeg], ['broken.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))]] as const) {
    expect((await gatewayRequest(`/demo/${key}`, { method: 'PUT', headers: { ...admin, 'content-type': 'image/jpeg' }, body })).ok).toBe(true);
  }
});

afterAll(async () => {
  await mesh?.stop();
});

/** spanLines: the drawing's span lines (after the header and the axis; before the error list). */
const spanLines = (out: string, count: number) => out.trimEnd().split('\n').slice(2, 2 + count);

describe('mediamesh trace', () => {
  it('draws a request through the mesh as a waterfall: a line per span, indented by parent, bars within the width', async () => {
    const { caller, spans } = await traced('/demo/sample.jpg?imageView2/1/w/64/h/64');
    const res = await cli([caller.traceId, '--jaeger', jaegerUrl, '--width', '110']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = res.stdout;
    const header = new RegExp(`^trace ${caller.traceId}: ${spans.length} spans, 3 services \\((\\S+), (\\S+), (\\S+)\\), [\\d.]+(ms|s)$`).exec(out.split('\n')[0]);
    expect(header, out).not.toBeNull();
    expect(header!.slice(1, 4).sort()).toEqual(['gateway', 'image', 'storage']);
    const lines = spanLines(out, spans.length);
    expect(lines).toHaveLength(spans.length);
    for (const l of out.trimEnd().split('\n').slice(1)) expect([...l].length).toBeLessThanOrEqual(110);
    for (const l of lines) expect(l).toMatch(/^ {2}\s*\+[\d.]+(µs|ms|s)\s+[\d.]+(µs|ms|s) {2}.*█/);

    // The label column (after mark, offset and duration): indentation is the depth under the gateway's server span.
    const label = (re: RegExp) => {
      const line = lines.find((l) => re.test(l));
      expect(line, `no line ${re} in:\n${out}`).toBeDefined();
      return /^(.{22})( *)(\S.*?)\s{2,}/.exec(line!.slice(0, line!.search(/[█▓]/)) + '  ')!;
    };
    const depth = (re: RegExp) => label(re)[2].length / 2;
    expect(depth(/gateway {2}GET \/\*/)).toBe(0);
    expect(depth(/gateway {2}→ ImageService\/Process/)).toBeGreaterThan(depth(/gateway {2}GET \/\*/));
    expect(depth(/image {2}ImageService\/Process/)).toBe(depth(/gateway {2}→ ImageService\/Process/) + 1);
    expect(depth(/image {2}image\.decode/)).toBeGreaterThan(depth(/image {2}ImageService\/Process/));
    expect(depth(/storage {2}StorageService\/GetObject/)).toBe(depth(/image {2}→ StorageService\/GetObject/) + 1);
    // The root spans the whole time axis; nothing is marked as an error.
    const root = lines[0];
    expect(root).toMatch(/^ {2}\s*\+0µs/);
    expect(out).not.toContain('✗');
  });

  it('marks the spans that failed, and lists their messages', async () => {
    const { caller, spans } = await traced('/demo/broken.jpg?imageView2/1/w/64/h/64');
    const failed = spans.filter((s) => s.status.code === 'ERROR');
    expect(failed.length).toBeGreaterThan(0);
    const res = await cli([caller.traceId, '--jaeger', jaegerUrl, '--width', '120']);
    expect(res.code).toBe(0);
    const lines = spanLines(res.stdout, spans.length);
    expect(lines.filter((l) => l.startsWith('✗'))).toHaveLength(failed.length);
    expect(res.stdout.split('\n')[0]).toMatch(new RegExp(`, ${failed.length} errors?$`));
    for (const l of lines.filter((x) => x.startsWith('✗'))) expect(l).toContain('▓');
    expect(res.stdout).toMatch(/^✗ image {2}grpc\.mediamesh\.image\.v1\.ImageService\/Process: \S/m);
  });

  it('--last <service> draws the latest trace of that service, with Jaeger found through ready.json', async () => {
    const { caller } = await traced('/demo/sample.jpg?imageView2/1/w/48/h/48');
    const home = tempDirForTest('mediamesh-trace-home-');
    fs.writeFileSync(path.join(home, 'ready.json'), JSON.stringify({ gateway: mesh.gateway!.url, jaeger: jaegerUrl }));
    const res = await cli(['--last', 'gateway', '--width', '100'], { MEDIAMESH_HOME: home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toMatch(new RegExp(`^trace ${caller.traceId}:`));
  });

  it('says so when Jaeger has no such trace (exit 1) or no Jaeger is known (usage, exit 2)', async () => {
    const missing = await cli(['0123456789abcdef0123456789abcdef', '--jaeger', jaegerUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no trace 0123456789abcdef0123456789abcdef in Jaeger at/);
    const nowhere = await cli(['0123456789abcdef0123456789abcdef']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/where is Jaeger\?/);
    const badId = await cli(['not-a-trace-id', '--jaeger', jaegerUrl]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/a trace id is 32 hex digits/);
  });
});
