/**
 * Steady load for release tests: a proxyless `xds:///image` client (its own bootstrap, as an
 * outside client would have) calling ImageService.Info in a loop, recording which instance
 * answered (the `mediamesh-instance` response header) and every failure.
 */
import * as grpc from '@grpc/grpc-js';
import { sharp } from '../../services/image/sharp';
import { ImageServiceClient } from '../../generated/mediamesh/image/v1/image';
import { outsideBootstrap } from '../../launcher/mesh';

let registered = false;

/** tinyPng is a 16×16 PNG used as the inline source of every call. */
export async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: '#3366cc' } }).png().toBuffer();
}

export interface CallRecord {
  readonly at: number;
  readonly instance?: string;
  readonly error?: string;
}

export interface Load {
  readonly records: CallRecord[];
  /** Records since index `from` (default 0). */
  since(from: number): CallRecord[];
  stop(): Promise<void>;
}

/** imageClient dials xds:///image against the mesh's control plane. */
export function imageClient(xdsPort: number, nodeId: string): ImageServiceClient {
  if (!registered) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@grpc/grpc-js-xds').register();
    registered = true;
  }
  return new ImageServiceClient('xds:///image', grpc.credentials.createInsecure(), {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(outsideBootstrap(xdsPort, nodeId)),
  } as Partial<grpc.ClientOptions>);
}

/** callOnce makes one Info call and says which instance answered. */
export function callOnce(client: ImageServiceClient, png: Buffer): Promise<CallRecord> {
  return new Promise((resolve) => {
    let instance: string | undefined;
    const call = client.info({ source: { kind: { $case: 'inline', value: png } } }, { deadline: Date.now() + 10_000 } as never, (err) =>
      resolve({ at: Date.now(), instance, error: err ? `${err.code} ${err.details}` : undefined }),
    );
    call.on('metadata', (md) => (instance = md.get('mediamesh-instance')[0]?.toString()));
  });
}

/** startLoad runs `concurrency` call loops until stop(). */
export function startLoad(client: ImageServiceClient, png: Buffer, concurrency = 4): Load {
  const records: CallRecord[] = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) records.push(await callOnce(client, png));
  });
  return {
    records,
    since: (from) => records.slice(from),
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** share counts how many records of a list were answered by instances whose id matches. */
export function share(records: readonly CallRecord[], match: (instance: string) => boolean): number {
  const ok = records.filter((r) => !r.error && r.instance);
  return ok.length ? ok.filter((r) => match(r.instance!)).length / ok.length : 0;
}

/** failures lists the failed records. */
export const failures = (records: readonly CallRecord[]) => records.filter((r) => r.error);
