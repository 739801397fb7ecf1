/**
 * deploy/healthcheck.js (the compose health probe) against a real storage service and a real
 * HTTP server: SERVING / 2xx exit 0; stopped service, refused port, 503 and bad arguments exit 1.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../launcher/ports';
import { startService, type StartedService } from '../../launcher/process';
import { repoRoot } from '../../core/paths';

const script = path.join(repoRoot(), 'deploy/healthcheck.js');

function probe(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, HEALTHCHECK_TIMEOUT_MS: '5000' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('deploy/healthcheck.js', () => {
  let storage: StartedService;
  let home: string;
  let web: http.Server;
  let webPort: number;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-deploy-hc-'));
    storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_HOME: home, MEDIAMESH_ZK: '' } });
    web = http.createServer((req, res) => res.writeHead(req.url === '/readyz' ? 200 : 503).end());
    webPort = await freePort();
    await new Promise<void>((r) => web.listen(webPort, '127.0.0.1', r));
  });
  afterAll(async () => {
    await storage?.stop();
    await new Promise((r) => web?.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('passes on a serving gRPC service, by port and by host:port', async () => {
    expect(await probe('grpc', String(storage.port))).toMatchObject({ code: 0, out: expect.stringContaining('SERVING') });
    expect((await probe('grpc', `127.0.0.1:${storage.port}`)).code).toBe(0);
    expect((await probe('grpc', `127.0.0.1:${storage.port}`, 'mediamesh.storage.v1.StorageService')).code).toBe(0);
  });

  it('fails for a service name the server does not know, and on a refused port', async () => {
    const unknown = await probe('grpc', String(storage.port), 'no.such.Service');
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/NOT_FOUND|unknown|not found/i);
    const refused = await probe('grpc', String(await freePort()));
    expect(refused.code).toBe(1);
  });

  it('checks HTTP readiness: 2xx passes, 503 fails', async () => {
    expect((await probe('http', `http://127.0.0.1:${webPort}/readyz`)).code).toBe(0);
    const down = await probe('http', `http://127.0.0.1:${webPort}/other`);
    expect(down).toMatchObject({ code: 1, out: expect.stringContaining('HTTP 503') });
  });

  it('rejects bad arguments with the usage line', async () => {
    const bad = await probe('tcp', '80');
    expect(bad).toMatchObject({ code: 1, out: expect.stringContaining('usage') });
  });

  it('fails once the service has stopped', async () => {
    const port = storage.port;
    await storage.stop();
    expect((await probe('grpc', String(port))).code).toBe(1);
  });
});
