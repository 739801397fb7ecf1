/**
 * startTraffic: the steady load a chaos run is measured by — HTTP through the gateway
 * (a thumbnail, a plain object read, an avinfo probe: gateway → image / storage / video)
 * and proxyless `xds:///` gRPC clients with their own bootstrap, as an outside client has
 * (ImageService.Info inline, StorageService.StatObject). Every request becomes a Sample.
 */
import * as grpc from '@grpc/grpc-js';
import { ImageServiceClient } from '../../generated/mediamesh/image/v1/image';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { retryCutResponseProvider } from '../../mesh/client';
import { outsideBootstrap } from '../../launcher/mesh';
import type { Sample } from './stats';

let xdsRegistered = false;

/**
 * xdsClient dials xds:///<service> through the mesh's control plane, with the interceptor
 * mesh/client gives every client (an idempotent call cut off after its headers by a killed
 * instance is made again).
 */
export function xdsClient<C extends grpc.Client>(Client: new (target: string, creds: grpc.ChannelCredentials, opts: object) => C, service: string, xdsPort: number, nodeId: string): C {
  if (!xdsRegistered) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@grpc/grpc-js-xds').register();
    xdsRegistered = true;
  }
  return new Client(`xds:///${service}`, grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(outsideBootstrap(xdsPort, nodeId)),
    interceptor_providers: [retryCutResponseProvider()],
  });
}

export interface TrafficOptions {
  readonly gatewayUrl: string;
  readonly xdsPort: number;
  /** HTTP paths sent in turn, with the kind each is counted under. */
  readonly http: readonly { kind: string; path: string }[];
  /** Object read over gRPC StatObject. */
  readonly storageObject: { bucket: string; key: string };
  /** Inline image for ImageService.Info. */
  readonly png: Buffer;
  readonly httpConcurrency?: number;
  readonly grpcConcurrency?: number;
  readonly timeoutMs?: number;
}

export interface Traffic {
  readonly samples: Sample[];
  stop(): Promise<void>;
}

/** startTraffic runs the loops until stop(). */
export function startTraffic(opts: TrafficOptions): Traffic {
  const samples: Sample[] = [];
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let running = true;
  const image = xdsClient(ImageServiceClient, 'image', opts.xdsPort, `chaos-image-${process.pid}`);
  const storage = xdsClient(StorageServiceClient, 'storage', opts.xdsPort, `chaos-storage-${process.pid}`);

  const timed = async (kind: string, fn: () => Promise<string | undefined>) => {
    const at = Date.now();
    const t0 = performance.now();
    const error = await fn().catch((err: Error) => `${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}`);
    samples.push({ at, ms: performance.now() - t0, kind, ...(error ? { error } : {}) });
  };
  const httpOnce = async (target: { kind: string; path: string }) =>
    timed(target.kind, async () => {
      const res = await fetch(opts.gatewayUrl + target.path, { signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.arrayBuffer();
      return res.status === 200 ? undefined : `HTTP ${res.status} ${Buffer.from(body).toString('utf8', 0, 120)}`;
    });
  const unary = (kind: string, call: (done: (err: grpc.ServiceError | null) => void) => void) =>
    timed(kind, () => new Promise((resolve) => call((err) => resolve(err ? `${err.code} ${err.details}` : undefined))));
  const deadline = () => ({ deadline: Date.now() + timeoutMs });

  const loops: Promise<void>[] = [];
  for (let i = 0; i < (opts.httpConcurrency ?? 2); i++) {
    loops.push((async () => {
      for (let n = i; running; n++) await httpOnce(opts.http[n % opts.http.length]);
    })());
  }
  for (let i = 0; i < (opts.grpcConcurrency ?? 2); i++) {
    loops.push((async () => {
      for (let n = i; running; n++) {
        if (n % 2 === 0) await unary('grpc-image', (done) => image.info({ source: { kind: { $case: 'inline', value: opts.png } } }, new grpc.Metadata(), deadline(), done));
        else await unary('grpc-storage', (done) => storage.statObject(opts.storageObject, new grpc.Metadata(), deadline(), done));
      }
    })());
  }
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      image.close();
      storage.close();
    },
  };
}
