/**
 * mesh/client: how a process dials another mesh service. The mode comes from
 * MEDIAMESH_MESH_MODE:
 *  - proxyless (default): `xds:///<service>` through @grpc/grpc-js-xds, bootstrap from
 *    GRPC_XDS_BOOTSTRAP / GRPC_XDS_BOOTSTRAP_CONFIG, or generated for this process from
 *    MEDIAMESH_XDS_SERVER (host:port of the control plane; see bootstrap.ts);
 *  - envoy: the local Envoy's outbound listener (MEDIAMESH_ENVOY_OUTBOUND, default
 *    127.0.0.1:15001) with the service name as :authority;
 *  - direct: MEDIAMESH_DIRECT_<SERVICE>=host:port (tests of a single service).
 *
 * What retries what (one layer per kind of failure; #25 item 4 removes the nesting listed last):
 *  1. A call that fails before its response starts — connection refused or reset, UNAVAILABLE
 *     from the server: the mesh's retry policy (policy `retry` → the xDS route's `retry_policy`),
 *     applied to every method of a service that has one by grpc-js in proxyless mode (which also
 *     repeats a call whose connection dropped after the request left) and by the Envoy sidecar in
 *     envoy mode. A call commits when its response headers arrive (gRPC A6, grpc-js
 *     retrying-call.ts) and this layer never repeats it after that.
 *  2. An idempotent unary call (idempotent-methods.ts) whose response was cut after its headers —
 *     a server killed between writing its answer and its status (UNAVAILABLE "Connection
 *     dropped"; through Envoy, INTERNAL "Received RST_STREAM with code 2"): retry-cut-response.ts,
 *     an interceptor every mesh client gets, up to 3 attempts. The chaos runs' flaky
 *     "14 Connection dropped" StatObject (issue 23 item 2; test/chaos/cut-response.test.ts).
 *  3. A server stream cut halfway (GetObject after its head, a download): the caller starts over
 *     or resumes (retry-unavailable.ts; the gateway's storage-stream.ts resumes at the byte offset).
 * Still nested on top of them, to be removed by #25 item 4: the gateway wraps its unary calls
 * (StatObject, image Process, video Probe/Snapshot) in retryUnavailable (3×), and each image
 * Process attempt repeats its storage read (3×), each read under layers 1 and 3.
 */
import * as grpc from '@grpc/grpc-js';
import { ensureProcessBootstrap } from './bootstrap';
import { retryCutResponseProvider } from './retry-cut-response';

export { createXdsBootstrap, ensureProcessBootstrap } from './bootstrap';
export { retryCutResponseProvider } from './retry-cut-response';
export { retryUnavailable } from './retry-unavailable';
export { lazyClient } from './lazy-client';
export type { LazyClient } from './lazy-client';
export { readHeadThenChunks } from './head-then-chunks';
export { callDynamic, findMethod, listMethods } from './dynamic-call';
export type { DynamicMethod } from './dynamic-call';
export type { HeadMessages, Part } from './head-then-chunks';
export type { BootstrapOptions } from './bootstrap';

export type MeshMode = 'proxyless' | 'envoy' | 'direct';

/** A ts-proto grpc-js client constructor. */
export type ClientConstructor<T> = new (address: string, credentials: grpc.ChannelCredentials, options?: Partial<grpc.ClientOptions>) => T;

export interface MeshClientOptions {
  mode?: MeshMode;
  env?: Record<string, string | undefined>;
  channelOptions?: Partial<grpc.ClientOptions>;
}

let xdsRegistered = false;
const retryCutResponse = retryCutResponseProvider();

/** targetFor returns the dial target and channel options for a mesh service. */
export function targetFor(service: string, opts: MeshClientOptions = {}): { target: string; options: Partial<grpc.ClientOptions> } {
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? ((env.MEDIAMESH_MESH_MODE as MeshMode | undefined) || 'proxyless');
  const maxBytes = 64 * 1024 * 1024;
  const base: Partial<grpc.ClientOptions> = {
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': maxBytes,
    // As a provider, so that a method the retry does not cover gets no layer for it. An interceptor
    // runs inside the call the gRPC instrumentation traces: a repeated attempt is part of the same client span.
    interceptor_providers: [retryCutResponse],
    ...opts.channelOptions,
  };
  switch (mode) {
    case 'direct': {
      const key = `MEDIAMESH_DIRECT_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
      const addr = env[key];
      if (!addr) throw new Error(`${key} is not set: direct mode needs the address of service "${service}"`);
      return { target: addr, options: base };
    }
    case 'envoy': {
      const outbound = env.MEDIAMESH_ENVOY_OUTBOUND || '127.0.0.1:15001';
      return { target: outbound, options: { ...base, 'grpc.default_authority': service } };
    }
    case 'proxyless': {
      if (!xdsRegistered) {
        // Before grpc-js-xds reads the bootstrap (once per process, at the first xds: channel).
        ensureProcessBootstrap(env, process.env);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('@grpc/grpc-js-xds').register();
        xdsRegistered = true;
      }
      return { target: `xds:///${service}`, options: base };
    }
    default:
      throw new Error(`MEDIAMESH_MESH_MODE: unknown mode ${String(mode)}`);
  }
}

/** createMeshClient makes a generated client dialling a mesh service. */
export function createMeshClient<T>(Client: ClientConstructor<T>, service: string, opts: MeshClientOptions = {}): T {
  const { target, options } = targetFor(service, opts);
  return new Client(target, grpc.credentials.createInsecure(), options);
}
