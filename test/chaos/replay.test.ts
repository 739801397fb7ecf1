/**
 * Traffic replay end to end: a gateway records (MEDIAMESH_GATEWAY_RECORD) real traffic,
 * `mediamesh replay` sends it to a second gateway of the same mesh and sees 0 mismatches;
 * a recording with one tampered status makes it exit 1 naming that request.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharp } from '../../services/image/sharp';
import { repoRoot } from '../../core/paths';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { startService, type StartedService } from '../../launcher/process';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-replay-'));
const recording = path.join(dir, 'traffic.jsonl');
let mesh: LocalMesh;
let second: StartedService;

/** cli runs `mediamesh` as a user would and resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot(), 'bin', 'mediamesh.js'), ...args], { cwd: repoRoot() }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

beforeAll(async () => {
  mesh = await startMesh({ images: 1, video: false, env: { MEDIAMESH_GATEWAY_RECORD: recording } });
  second = await startService('services/gateway/main.ts', {
    env: { ...mesh.env, MEDIAMESH_SERVICE_NAME: 'gateway', MEDIAMESH_INSTANCE_ID: 'gateway-replay', MEDIAMESH_GATEWAY_PORT: '0', MEDIAMESH_GATEWAY_RECORD: '' },
  });
});

afterAll(async () => {
  await second?.stop();
  await mesh?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('record and replay', () => {
  it('records traffic without credentials and replays it with 0 mismatches; a tampered status is reported', async () => {
    const gw = mesh.gateway!.url;
    const auth = { authorization: `Bearer ${mesh.adminToken}` };
    expect((await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"replay","visibility":"public"}' })).ok).toBe(true);
    const jpg = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#557799' } }).jpeg().toBuffer();
    expect((await fetch(`${gw}/replay/a.jpg`, { method: 'PUT', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpg })).ok).toBe(true);
    const gets: [string, Record<string, string>][] = [
      ['/replay/a.jpg', {}],
      ['/replay/a.jpg?imageView2/1/w/64/h/64', {}],
      ['/replay/a.jpg?imageInfo', {}],
      ['/replay/a.jpg?imageView2/9/w/64', {}],
      ['/replay/missing.jpg', {}],
      ['/replay/a.jpg', { range: 'bytes=0-99' }],
      ['/v1/buckets', auth],
      ['/v1/buckets', {}],
    ];
    for (const [p, headers] of gets) await (await fetch(gw + p, { headers })).arrayBuffer();
    await mesh.gateway!.stop(); // flushes the recording

    const text = fs.readFileSync(recording, 'utf8');
    expect(text).not.toContain(mesh.adminToken);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    const statuses = lines.filter((l) => l.method === 'GET' && !l.url.startsWith('/readyz')).map((l) => l.status);
    expect(statuses).toEqual([200, 200, 200, 400, 404, 206, 200, 401]);
    expect(lines.find((l) => l.method === 'PUT')).toMatchObject({ url: '/replay/a.jpg', auth: true, status: 200 });

    const target = `http://127.0.0.1:${second.port}`;
    const same = await cli(['replay', recording, '--target', target, '--rate', '100', '--auth-token', mesh.adminToken]);
    expect(same.out).toMatch(/replayed \d+ request\(s\) .* \(2 skipped: not GET\/HEAD\), 0 mismatch\(es\)/);
    expect(same.code).toBe(0);

    const tampered = path.join(dir, 'tampered.jsonl');
    const i = lines.findIndex((l) => l.url === '/replay/a.jpg?imageInfo');
    lines[i] = { ...lines[i], status: 404 };
    fs.writeFileSync(tampered, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const bad = await cli(['replay', tampered, '--target', target, '--speed', '10', '--auth-token', mesh.adminToken]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('1 mismatch(es)');
    expect(bad.out).toMatch(/GET \/replay\/a\.jpg\?imageInfo: recorded 404 \d+ B, got 200 \d+ B/);
  });
});
