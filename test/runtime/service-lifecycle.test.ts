import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, startService, type StartedService } from '../../launcher/process';
import { SLOW_WAIT_METHOD } from '../harness/slow-service';
import { distEntry } from '../../core/paths';

const identity = (b: Buffer) => b;
const started: StartedService[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.kill()));
});

function callWait(client: grpc.Client): Promise<{ value?: string; error?: grpc.ServiceError; instance?: string }> {
  return new Promise((resolve) => {
    let instance: string | undefined;
    const call = client.makeUnaryRequest(SLOW_WAIT_METHOD, identity, identity, Buffer.alloc(0), (error, value) =>
      resolve({ error: error ?? undefined, value: value?.toString(), instance }),
    );
    call.on('metadata', (md) => (instance = String(md.get('mediamesh-instance')[0])));
  });
}

describe('service runtime life cycle (real child process)', () => {
  it('drains an in-flight call on SIGTERM, refuses new calls, exits 0', async () => {
    const svc = await startService('test/harness/slow-service.ts', { env: { SLOW_DELAY_MS: '2500', MEDIAMESH_INSTANCE_ID: 'slow-1' } });
    started.push(svc);
    const client = new grpc.Client(svc.address, grpc.credentials.createInsecure());
    const inFlight = callWait(client);
    await new Promise((r) => setTimeout(r, 400));
    process.kill(svc.pid, 'SIGTERM');
    await svc.waitForLog((l) => l.event === 'draining', 5000);
    await new Promise((r) => setTimeout(r, 200));
    const late = new grpc.Client(svc.address, grpc.credentials.createInsecure());
    const refused = await callWait(late);
    expect(refused.error?.code).toBe(grpc.status.UNAVAILABLE);
    const done = await inFlight;
    expect(done.error).toBeUndefined();
    expect(done.value).toBe('done');
    expect(done.instance).toBe('slow-1');
    expect(await svc.exited).toBe(0);
    client.close();
    late.close();
  });

  it('sends mediamesh-instance on health checks and serves reflection-free health', async () => {
    const svc = await startService('test/harness/slow-service.ts', { env: { MEDIAMESH_INSTANCE_ID: 'slow-2' } });
    started.push(svc);
    const client = new grpc.Client(svc.address, grpc.credentials.createInsecure());
    const { instance, status } = await new Promise<{ instance?: string; status?: number }>((resolve, reject) => {
      let inst: string | undefined;
      const call = client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        () => Buffer.alloc(0),
        (b: Buffer) => b,
        {},
        (err, value) => (err ? reject(err) : resolve({ instance: inst, status: value?.[1] })),
      );
      call.on('metadata', (md) => (inst = String(md.get('mediamesh-instance')[0])));
    });
    expect(instance).toBe('slow-2');
    expect(status).toBe(1); // HealthCheckResponse.status = SERVING (field 1 varint)
    client.close();
  });

  it('stops with exit code 2 and names the variable of a bad value', async () => {
    const proc = startNode(distEntry('test/harness/slow-service.ts'), { env: { MEDIAMESH_PORT: 'eighty' } });
    expect(await proc.exited).toBe(2);
    expect(proc.stderr()).toMatch(/MEDIAMESH_PORT: invalid value "eighty"/);
    const other = startNode(distEntry('test/harness/slow-service.ts'), { env: { MEDIAMESH_MESH_MODE: 'carrier-pigeon' } });
    expect(await other.exited).toBe(2);
    expect(other.stderr()).toMatch(/MEDIAMESH_MESH_MODE: .*proxyless, envoy, direct/);
  });
});
