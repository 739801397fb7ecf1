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
  /**
   * openLoop replaces the loops for `ms` from `t0` (default now) by `perSecond` requests a second,
   * each sent on schedule whether or not the earlier ones have answered, in the mix of kinds the
   * loops answered in the second before; then the loops resume. It resolves when all have
   * answered. The loops wait for their answers, so in a stall they stop sending and a window holds
   * a handful of requests; on schedule, every request of a stall is counted with its own latency.
   */
  openLoop(perSecond: number, ms: number, t0?: number): Promise<void>;
  /** rate is the requests per second the load started over the last `ms`. */
  rate(ms: number): number;
  stop(): Promise<void>;
}

/** startTraffic runs the loops until stop(). */
export function startTraffic(opts: TrafficOptions): Traffic {
  const samples: Sample[] = [];
  const starts: number[] = [];
  const timeoutMs = opts.timeoutMs ?? 15_000;
  let running = true;
  // While the open loop runs, the loops wait here before their next request.
  let paused: Promise<void> | undefined;
  const image = xdsClient(ImageServiceClient, 'image', opts.xdsPort, `chaos-image-${process.pid}`);
  const storage = xdsClient(StorageServiceClient, 'storage', opts.xdsPort, `chaos-storage-${process.pid}`);

  /** timed records a request as a Sample; `at` is when it was due (open loop) if not now. */
  const timed = async (kind: string, fn: () => Promise<string | undefined>, at = Date.now()) => {
    starts.push(at);
    // From when it was due: a request the load itself sent late counts that delay too.
    const t0 = performance.now() - (Date.now() - at);
    const error = await fn().catch((err: Error) => `${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}`);
    samples.push({ at, ms: performance.now() - t0, kind, ...(error ? { error } : {}) });
  };
  const httpOnce = async (target: { kind: string; path: string }, at?: number) =>
    timed(target.kind, async () => {
      const res = await fetch(opts.gatewayUrl + target.path, { signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.arrayBuffer();
      return res.status === 200 ? undefined : `HTTP ${res.status} ${Buffer.from(body).toString('utf8', 0, 120)}`;
    }, at);
  const unary = (kind: string, call: (done: (err: grpc.ServiceError | null) => void) => void, at?: number) =>
    timed(kind, () => new Promise((resolve) => call((err) => resolve(err ? `${err.code} ${err.details}` : undefined))), at);
  const deadline = () => ({ deadline: Date.now() + timeoutMs });

  const image1 = (at?: number) => unary('grpc-image', (done) => image.info({ source: { kind: { $case: 'inline', value: opts.png } } }, new grpc.Metadata(), deadline(), done), at);
  const storage1 = (at?: number) => unary('grpc-storage', (done) => storage.statObject(opts.storageObject, new grpc.Metadata(), deadline(), done), at);
  const byKind: Record<string, (at?: number) => Promise<void>> = Object.fromEntries([
    ...opts.http.map((t) => [t.kind, (at?: number) => httpOnce(t, at)] as const),
    ['grpc-image', image1],
    ['grpc-storage', storage1],
  ]);

  const loops: Promise<void>[] = [];
  for (let i = 0; i < (opts.httpConcurrency ?? 2); i++) {
    loops.push((async () => {
      for (let n = i; running; n++) {
        await paused;
        await httpOnce(opts.http[n % opts.http.length]);
      }
    })());
  }
  for (let i = 0; i < (opts.grpcConcurrency ?? 2); i++) {
    loops.push((async () => {
      for (let n = i; running; n++) {
        await paused;
        await (n % 2 === 0 ? image1() : storage1());
      }
    })());
  }
  return {
    samples,
    rate: (ms) => {
      const since = Date.now() - ms;
      let n = 0;
      for (let i = starts.length - 1; i >= 0 && starts[i] >= since; i--) n++;
      return (n * 1000) / ms;
    },
    openLoop: async (perSecond, ms, t0 = Date.now()) => {
      const mix = samples.filter((s) => s.at >= t0 - 1000).sort((a, b) => a.at - b.at).map((s) => s.kind);
      if (mix.length === 0) mix.push(...Object.keys(byKind));
      let resume = () => {};
      paused = new Promise((r) => (resume = r));
      const sent: Promise<void>[] = [];
      for (let n = 0; n < Math.ceil((perSecond * ms) / 1000); n++) {
        // Each at its time from t0 (no drift); one that is late goes at once, as its caller would,
        // and is timed from when it was due (no coordinated omission, even of this process's own lag).
        const due = t0 + (n * 1000) / perSecond;
        const wait = due - Date.now(); // read once: a second read a millisecond later could be negative (TimeoutNegativeWarning)
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sent.push(byKind[mix[n % mix.length]](Math.round(due)));
      }
      paused = undefined;
      resume();
      await Promise.all(sent);
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
      image.close();
      storage.close();
    },
  };
}
