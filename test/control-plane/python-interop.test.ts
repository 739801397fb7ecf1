/**
 * Interop: a Python grpcio client (gRPC C-core's own xDS implementation, from PyPI) reaches
 * echo backends through xds:///<service> with our control plane: round robin over every
 * instance, and a header route to v2. Its node shows up ACKED in /status.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXdsBootstrap } from '../../mesh/client/bootstrap';
import { PY_DIR, pythonEnv } from '../interop/python/pyenv';
import { createMeshFixture, eventually, type MeshFixture } from './fixtures/mesh-fixture';

let fx: MeshFixture;
let python: string;
let bootstrapFile: string;

function runPython(service: string, calls: number, headers: string[] = []): Promise<Record<string, number>> {
  return new Promise((resolve, reject) =>
    execFile(
      python,
      [path.join(PY_DIR, 'xds_client.py'), service, String(calls), ...headers],
      // C-core polls an idle channel only every 5 s; poll fast so updates apply promptly.
      { env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrapFile, GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS: '100' }, timeout: 60_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`python client failed: ${err.message}\n${stderr.slice(-2000)}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()!).counts)),
    ),
  );
}

beforeAll(async () => {
  python = pythonEnv(); // builds the cached virtualenv on first use
  fx = await createMeshFixture();
  bootstrapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mm-py-')), 'bootstrap.json');
  fs.writeFileSync(bootstrapFile, JSON.stringify(createXdsBootstrap({ server: `127.0.0.1:${fx.cp.port}`, nodeId: 'python-client', zone: 'zone-a' })));
}, 600_000);
afterAll(async () => {
  await fx?.close();
  if (bootstrapFile) fs.rmSync(path.dirname(bootstrapFile), { recursive: true, force: true });
});

describe('Python grpcio client through our control plane', () => {
  it('round-robins over every instance and follows a header route', async () => {
    await Promise.all([fx.addInstance('py-echo', 'py-1', { version: 'v1' }), fx.addInstance('py-echo', 'py-2', { version: 'v1' }), fx.addInstance('py-echo', 'py-3', { version: 'v2' })]);
    const counts = await eventually(async () => {
      const c = await runPython('py-echo', 150);
      expect(Object.keys(c).sort()).toEqual(['py-1', 'py-2', 'py-3']);
      return c;
    }, 60_000, 500);
    for (const id of ['py-1', 'py-2', 'py-3']) expect(counts[id]).toBeGreaterThanOrEqual(30);

    await fx.setPolicy('py-echo', { subsets: [{ version: 'v1', weight: 100 }], headerRoutes: [{ header: 'x-canary', exact: 'yes', version: 'v2' }] });
    await eventually(async () => expect(await runPython('py-echo', 20, ['x-canary=yes'])).toEqual({ 'py-3': 20 }), 60_000, 500);
    const plain = await runPython('py-echo', 40);
    expect(Object.keys(plain).sort()).toEqual(['py-1', 'py-2']);
  });
});
