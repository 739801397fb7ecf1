/**
 * grpcTransport: the gRPC server a ServiceDefinition's register() fills, as the service host's
 * transport: the instance header and call observers on every call, grpc.health.v1 (the serving
 * state), server reflection, bind, and the drain (refuse new calls, wait for in-flight ones,
 * cancel what is left at the timeout).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { ServerCallObserver } from '../../core/call-observer';
import type { HealthState } from '../../core/hooks';
import type { Logger } from '../../core/log';
import { protoRoot } from '../../core/paths';
import { serverCallInterceptor } from './server-call-interceptor';
import type { RuntimeConfig } from '../../core/runtime-config';
import type { Transport } from './transport';

/** GrpcTransportOptions: what the gRPC transport needs of the service and the host. */
export interface GrpcTransportOptions {
  readonly runtime: RuntimeConfig;
  readonly instanceId: string;
  readonly observers: readonly ServerCallObserver[];
  readonly protoFiles: readonly string[];
  readonly protoServices: readonly string[];
  readonly log: Logger;
}

/** createGrpcTransport makes the server (register() adds services to it before listen). */
export function createGrpcTransport(opts: GrpcTransportOptions): Transport & { readonly server: grpc.Server } {
  const { runtime, log } = opts;
  const server = new grpc.Server({
    interceptors: [serverCallInterceptor(opts.instanceId, opts.observers)],
    'grpc.max_receive_message_length': runtime.maxMessageBytes,
    'grpc.max_send_message_length': runtime.maxMessageBytes,
  });
  const health = new HealthImplementation({ '': 'NOT_SERVING', ...Object.fromEntries(opts.protoServices.map((s) => [s, 'NOT_SERVING'])) });
  return {
    server,
    address: runtime.host,
    async listen() {
      health.addToServer(server);
      if (runtime.reflection && opts.protoFiles.length > 0) new ReflectionService(loadProtos(opts.protoFiles)).addToServer(server);
      return new Promise<number>((resolve, reject) =>
        server.bindAsync(`${runtime.host}:${runtime.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
    },
    setHealth(state: HealthState) {
      health.setStatus('', state);
      for (const s of opts.protoServices) health.setStatus(s, state);
    },
    drain: (timeoutMs: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn('drain timeout: cancelling remaining calls', { timeoutMs });
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

const protoCache = new Map<string, protoLoader.PackageDefinition>();

/** loadProtos loads .proto files (relative to proto/) with proto-loader, for reflection and dynamic clients. */
export function loadProtos(files: readonly string[]): protoLoader.PackageDefinition {
  const key = files.join(',');
  let def = protoCache.get(key);
  if (!def) {
    def = protoLoader.loadSync([...files], { includeDirs: [protoRoot()], keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    protoCache.set(key, def);
  }
  return def;
}
