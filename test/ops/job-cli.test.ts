import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';
import { startMesh, type LocalMesh } from '../../launcher/mesh';

const run = promisify(execFile);
let mesh: LocalMesh;

beforeAll(async () => {
  mesh = await startMesh({ images: 1 });
  const auth = { authorization: `Bearer ${mesh.adminToken}` };
  const gw = mesh.gateway!.url;
  expect((await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"demo","visibility":"public"}' })).ok).toBe(true);
  const file = path.join(mesh.home, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
  expect((await fetch(`${gw}/demo/clip.mp4`, { method: 'PUT', headers: { ...auth, 'content-type': 'video/mp4' }, body: fs.readFileSync(file) })).ok).toBe(true);
});

afterAll(async () => {
  await mesh?.stop();
});

/** cli runs `mediamesh <args>` through the mesh (proxyless, --xds), as an operator would. */
function cli(...args: string[]) {
  return run(process.execPath, ['bin/mediamesh.js', ...args, '--xds', mesh.env.MEDIAMESH_XDS_SERVER], { cwd: repoRoot(), env: { ...process.env, MEDIAMESH_HOME: mesh.home } });
}

describe('mediamesh job', () => {
  it('submits an HLS job, watches it to completion with progress, and shows its state', async () => {
    const { stdout, stderr } = await cli('job', 'submit', 'demo/clip.mp4', '--fop', 'hls/240', '--output', 'demo/out/clip');
    expect(stdout).toMatch(/^job \S+/m);
    expect(stdout).toMatch(/^submitted/m);
    expect(stdout).toMatch(/^started +worker video-1, attempt 1/m);
    expect(stdout).toMatch(/^completed .*demo\/out\/clip\/master\.m3u8/m);
    expect(stderr).toMatch(/\] 100\.0%/);
    const id = /^job (\S+)/m.exec(stdout)![1];
    const master = await fetch(`${mesh.gateway!.url}/demo/out/clip/master.m3u8`);
    expect(master.status).toBe(200);
    expect(await master.text()).toMatch(/#EXTM3U/);

    const status = await cli('job', 'status', id);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: 'JOB_STATE_COMPLETED' });
  });

  it('refuses a bad operation with the reason and a missing job with NOT_FOUND', async () => {
    const bad = await cli('job', 'submit', 'demo/clip.mp4', '--fop', 'hls/abc').then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/INVALID_ARGUMENT: .*hls/);
    const missing = await cli('job', 'status', 'no-such-job').then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(missing?.stderr).toMatch(/NOT_FOUND/);
    const usage = await cli('job', 'submit', 'demo').then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(usage?.code).toBe(2);
  });
});
