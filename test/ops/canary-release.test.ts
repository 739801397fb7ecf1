import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../core/paths';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { callOnce, failures, imageClient, share, startLoad, tinyPng, type Load } from './load';

const run = promisify(execFile);
let mesh: LocalMesh;
let load: Load;

/** cli runs `mediamesh <args>` against the mesh's ZooKeeper, as an operator would. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['bin/mediamesh.js', ...args, '--zk', mesh.zk.connectString], { cwd: repoRoot() });
  return stdout;
}

/** measure waits for the new split to reach the client, then samples `n` calls. */
async function measure(client: ReturnType<typeof imageClient>, png: Buffer, expectV2: number, n = 400): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = await Promise.all(Array.from({ length: 100 }, () => callOnce(client, png)));
    const s = share(probe, (i) => i.startsWith('image-v2'));
    if (Math.abs(s - expectV2) < 0.15 || Date.now() > deadline) break;
  }
  const sample = [];
  for (let i = 0; i < n; i += 50) sample.push(...(await Promise.all(Array.from({ length: 50 }, () => callOnce(client, png)))));
  expect(failures(sample)).toEqual([]);
  return share(sample, (i) => i.startsWith('image-v2'));
}

beforeAll(async () => {
  mesh = await startMesh({
    images: [
      { version: 'v1', instanceId: 'image-v1-a' },
      { version: 'v1', instanceId: 'image-v1-b' },
    ],
    video: false,
    gateway: false,
  });
});

afterAll(async () => {
  await load?.stop();
  await mesh?.stop();
});

describe('canary release of image v2 with the CLI under load', () => {
  it('shifts 10% → 50% → 100%, rolls back, and no request fails', async () => {
    const xdsPort = Number(mesh.env.MEDIAMESH_XDS_SERVER.split(':')[1]);
    const png = await tinyPng();
    const loadClient = imageClient(xdsPort, 'canary-load');
    const probeClient = imageClient(xdsPort, 'canary-probe');
    load = startLoad(loadClient, png, 4);

    // v1 only, then v2 joins with no policy: pin traffic to v1 before it registers.
    await cli('canary', 'image', '--weights', 'v1=100');
    await mesh.startInstance('image', { version: 'v2', instanceId: 'image-v2' });
    expect(await measure(probeClient, png, 0)).toBe(0);

    await cli('canary', 'image', '--weights', 'v1=90,v2=10');
    const s10 = await measure(probeClient, png, 0.1);
    expect(Math.abs(s10 - 0.1)).toBeLessThan(0.05);
    await cli('canary', 'image', '--weights', 'v1=50,v2=50');
    const s50 = await measure(probeClient, png, 0.5);
    expect(Math.abs(s50 - 0.5)).toBeLessThan(0.08);
    await cli('canary', 'image', '--promote', 'v2');
    expect(await measure(probeClient, png, 1)).toBe(1);
    await cli('canary', 'image', '--rollback');
    expect(await measure(probeClient, png, 0)).toBe(0);

    await load.stop();
    expect(load.records.length).toBeGreaterThan(200);
    expect(failures(load.records)).toEqual([]);
    loadClient.close();
    probeClient.close();
  });
});
