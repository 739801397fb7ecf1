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
 * What retries what: one layer per kind of failure, none repeating another (#25 item 4). The
 * README's "Failure handling" has the same table.
 *
 *  failure                                     | retried by                                   | how often
 *  --------------------------------------------|----------------------------------------------|----------------------------
 *  never reached an app: refused connection or | the data plane, always: grpc-js transparent  | grpc-js: transparently;
 *  stream, reset before the request went out   | retry; Envoy TRANSPORT_RETRY_ON (envoy-retry)| Envoy: 2 (or `attempts`)
 *  the instance answered UNAVAILABLE, or died  | the service's `retry` policy (xDS route      | `attempts` more tries
 *  (or its sidecar did) before its headers     | retry_policy): grpc-js in proxyless mode,    | (policy), on other
 *                                              | the caller's Envoy sidecar (`reset` too)     | instances where it can
 *  a unary response cut after its headers      | retry-cut-response.ts, every mesh client,    | 2 more tries
 *  (UNAVAILABLE; Envoy: INTERNAL RST_STREAM)   | idempotent methods only (SubmitJob: keyed)   |
 *  a GetObject stream cut after its head       | the storage read client's resume from the    | 2 resumes, 1 read each
 *                                              | next byte (services/storage/read-client.ts)  |
 *
 * Nothing else repeats a call: not the gateway, not the storage read client before a head, not a
 * service whose own dependency failed. A service answering UNAVAILABLE because a call it made
 * failed (its dependency, still unavailable after the retries of that hop) marks its answer "do
 * not retry" (core/errors.ts NO_RETRY_METADATA: gRPC pushback for grpc-js, x-envoy-ratelimited
 * for Envoy), so the caller's policy does not multiply the retries below it: a gateway request
 * under a storage outage costs `attempts + 1` reads, one cut mid-download one more read
 * (test/chaos/read-retries.test.ts). A call commits when its response headers arrive (gRPC A6,
 * grpc-js retrying-call.ts; Envoy alike): the policy never repeats it after that.
 */
import * as grpc from '@grpc/grpc-js';
import { ensureProcessBootstrap } from './bootstrap';
import { retryCutResponseProvider } from './retry-cut-response';

export { createXdsBootstrap, ensureProcessBootstrap } from './bootstrap';
export { cutOff, retryCutResponseProvider } from './retry-cut-response';
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
