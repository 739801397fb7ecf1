/**
 * Upstreams: the gateway's gRPC clients, made ONLY through mesh/client (proxyless xDS by
 * default; direct/envoy by MEDIAMESH_MESH_MODE). Clients are created on first use, so a
 * gateway without a video service configured still serves objects and images.
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { ImageServiceClient } from '../../generated/mediamesh/image/v1/image';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import { createMeshClient, type MeshClientOptions } from '../../mesh/client';
import { MeshError } from '../runtime';
import { createStorageReader, type StorageReader } from '../storage/read-client';
import { notReady } from './errors';

/** Upstreams holds one client per mesh service the gateway calls. */
export interface Upstreams {
  readonly storage: StorageServiceClient;
  readonly image: ImageServiceClient;
  readonly video: VideoServiceClient;
  /** objects reads storage objects (the storage read client the image and video services use too). */
  readonly objects: StorageReader;
  /** health returns a grpc.health.v1 client for a service (readiness). */
  health(service: 'storage' | 'image' | 'video'): grpc.Client & HealthClient;
  close(): void;
}

interface HealthClient {
  check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
}

// grpc.health.v1.Health as grpc-health-check loads it with proto-loader (status as its enum name, "SERVING").
const HealthClientCtor = grpc.makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

/** createUpstreams makes lazy mesh clients; a service that cannot be dialled answers 503. */
export function createUpstreams(opts: MeshClientOptions = {}): Upstreams {
  const made = new Map<string, grpc.Client>();
  const lazy = <T extends grpc.Client>(key: string, make: () => T): T => {
    let c = made.get(key) as T | undefined;
    if (!c) {
      try {
        c = make();
      } catch (err) {
        throw notReady(`${key.split(':')[0]} service is not reachable: ${err instanceof Error ? err.message : String(err)}`);
      }
      made.set(key, c);
    }
    return c;
  };
  const upstreams: Upstreams = {
    objects: createStorageReader(() => upstreams.storage),
    get storage() {
      return lazy('storage', () => createMeshClient(StorageServiceClient, 'storage', opts));
    },
    get image() {
      return lazy('image', () => createMeshClient(ImageServiceClient, 'image', opts));
    },
    get video() {
      return lazy('video', () => createMeshClient(VideoServiceClient, 'video', opts));
    },
    health: (service) => lazy(`${service}:health`, () => createMeshClient(HealthClientCtor as never, service, opts)) as grpc.Client & HealthClient,
    close: () => {
      for (const c of made.values()) c.close();
      made.clear();
    },
  };
  return upstreams;
}

/**
 * unary promisifies a generated unary method with a deadline, normalising errors to MeshError.
 */
export function unary<Req, Res>(
  client: grpc.Client,
  method: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (err: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall,
  req: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(MeshError.from(err)) : resolve(res)));
  });
}
