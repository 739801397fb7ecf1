/**
 * Issue 23 item 2, made deterministic: a storage instance dies (SIGKILL) between writing a
 * StatObject's response headers and message and writing its status — the instant a chaos
 * `kill -9` sometimes caught, which made the short chaos test fail about 2 runs in 5 with
 * "14 Connection dropped". Real ZooKeeper, control plane, storage processes and a proxyless
 * grpc-js-xds client with the chaos retry policy from ZooKeeper; the dying instance is a real
 * storage process with test/harness/die-mid-response.ts preloaded.
 *
 * The client sits in its own zone with the dying instance, so zone preference sends it every
 * call until it is dead; a live storage instance in zone-a takes over.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicies } from '../../bench/chaos/setup';
import { distEntry } from '../../core/paths';
import { BucketVisibility, StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { startMesh, type LocalMesh } from '../../launcher/mesh';
import { createMeshClient, createXdsBootstrap, retryCutResponseProvider } from '../../mesh/client';

const STAT_OBJECT = '/mediamesh.storage.v1.StorageService/StatObject';
const ZONE = 'zone-t';

let mesh: LocalMesh;
let xdsRegistered = false;

beforeAll(async () => {
  mesh = await startMesh({ images: [], video: false, gateway: false });
  // Retries on UNAVAILABLE (the policy the chaos runs use) and zone preference.
  await writePolicies(mesh.env.MEDIAMESH_ZK);
  const direct = createMeshClient(StorageServiceClient, 'storage', { mode: 'direct', env: { MEDIAMESH_DIRECT_STORAGE: `127.0.0.1:${mesh.storage[0]!.port}` } });
  try {
    await new Promise((resolve, reject) =>
      direct.createBucket({ bucket: { name: 'cut', visibility: BucketVisibility.BUCKET_VISIBILITY_PUBLIC } }, (err, res) => (err ? reject(err) : resolve(res))),
    );
    await new Promise((resolve, reject) => {
      const call = direct.putObject((err, res) => (err ? reject(err) : resolve(res)));
      call.write({ part: { $case: 'header', value: { bucket: 'cut', key: 'k', contentType: 'text/plain' } } });
      call.write({ part: { $case: 'chunk', value: Buffer.from('hello') } });
      call.end();
    });
  } finally {
    direct.close();
  }
}, 120_000);

afterAll(async () => {
  await mesh?.stop();
});

/** startDyingStorage starts a storage instance in the client's zone that dies mid-response on its first StatObject. */
function startDyingStorage(instanceId: string) {
  return mesh.startInstance('storage', {
    zone: ZONE,
    instanceId,
    env: { NODE_OPTIONS: `--require ${distEntry('test/harness/die-mid-response.ts')}`, DIE_MID_RESPONSE_METHOD: STAT_OBJECT },
  });
}

/** client is a proxyless xds:///storage client in ZONE, with the given interceptor providers. */
function client(nodeId: string, providers: grpc.InterceptorProvider[]): StorageServiceClient {
  if (!xdsRegistered) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@grpc/grpc-js-xds').register();
    xdsRegistered = true;
  }
  const bootstrap = createXdsBootstrap({ server: mesh.env.MEDIAMESH_XDS_SERVER, nodeId, zone: ZONE, cluster: 'outside' });
  return new StorageServiceClient('xds:///storage', grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
    interceptor_providers: providers,
  });
}

interface Outcome {
  code: grpc.status;
  details: string;
  /** The instance that sent the response headers, when any arrived. */
  headersFrom?: string;
}

function stat(c: StorageServiceClient): Promise<Outcome> {
  return new Promise((resolve) => {
    let headersFrom: string | undefined;
    const call = c.statObject({ bucket: 'cut', key: 'k' }, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) =>
      resolve({ code: err?.code ?? grpc.status.OK, details: err?.details ?? '', headersFrom }),
    );
    call.on('metadata', (md) => (headersFrom = String(md.get('mediamesh-instance')[0] ?? '')));
  });
}

/** statUntilDead calls StatObject until the dying instance is gone (it joins the client's EDS some time after it starts). */
async function statUntilDead(c: StorageServiceClient, dying: { exited: Promise<unknown> }): Promise<Outcome[]> {
  let dead = false;
  void dying.exited.then(() => (dead = true));
  const outcomes: Outcome[] = [];
  for (let i = 0; i < 400 && !dead; i++) {
    outcomes.push(await stat(c));
    if (!dead) await new Promise((r) => setTimeout(r, 25));
  }
  expect(dead, 'the dying instance got a StatObject').toBe(true);
  return outcomes;
}

describe('a storage instance killed between its response and its status', () => {
  it('fails the call under the mesh retry policy alone: the call committed when the headers came', async () => {
    const c = client('cut-plain', []);
    try {
      const dying = await startDyingStorage('storage-dies-1');
      const outcomes = await statUntilDead(c, dying);
      const failed = outcomes.filter((o) => o.code !== grpc.status.OK);
      expect(failed).toEqual([{ code: grpc.status.UNAVAILABLE, details: expect.stringMatching(/Connection dropped|ECONNRESET/), headersFrom: 'storage-dies-1' }]);
      expect(await dying.exited).toBe('SIGKILL');
    } finally {
      c.close();
    }
  }, 60_000);

  it('is answered by another instance with the cut-response retry every mesh client has', async () => {
    const c = client('cut-retried', [retryCutResponseProvider()]);
    try {
      const dying = await startDyingStorage('storage-dies-2');
      const outcomes = await statUntilDead(c, dying);
      // It died in one of these calls (SIGKILL comes only from the preload), and every one was answered.
      expect(await dying.exited).toBe('SIGKILL');
      expect(outcomes.filter((o) => o.code !== grpc.status.OK)).toEqual([]);
    } finally {
      c.close();
    }
  }, 60_000);
});
