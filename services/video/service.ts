/**
 * The video service definition: media methods (Probe, Snapshot, Transcode) on ffmpeg,
 * and the job methods on ZooKeeper (when MEDIAMESH_ZK is set). runMain(videoService)
 * is the whole entry point.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServiceDefinition } from '../runtime';
import { VideoServiceService } from '../../generated/mediamesh/video/v1/video';
import { videoSpecs } from './config';
import { createJobSystem } from './jobs/job-system';
import { createMediaHandlers } from './media-handlers';
import { createSourceCache } from './source-cache';
import { createStorageIo } from './storage-io';

/** videoService is the ServiceDefinition of the mesh service "video". */
export const videoService: ServiceDefinition<typeof videoSpecs> = {
  name: 'video',
  protoFiles: ['mediamesh/video/v1/video.proto'],
  protoServices: ['mediamesh.video.v1.VideoService'],
  specs: videoSpecs,
  register(server, ctx) {
    const storage = createStorageIo();
    // Before registering: a standby's first request (a zone failing over) must not pay for the dial.
    const notDialled = storage.connect();
    if (notDialled) ctx.log.warn('storage not dialled at start; the first object read will try again', { err: notDialled.message });
    const cacheDir = path.join(ctx.config.tempDir || os.tmpdir(), `mediamesh-video-cache-${process.pid}`);
    const deps = { config: ctx.config, storage, cache: createSourceCache(cacheDir, ctx.config.sourceCacheBytes) };
    const jobs = createJobSystem(
      ctx.runtime.zk
        ? {
            zk: ctx.runtime.zk,
            basePath: ctx.runtime.zkBasePath,
            sessionTimeoutMs: ctx.config.zkSessionTimeoutMs,
            worker: ctx.instanceId,
            concurrency: ctx.config.jobConcurrency,
            rescanMs: ctx.config.jobRescanMs,
            jobTimeoutMs: ctx.config.jobTimeoutMs,
            keyTtlMs: ctx.config.jobKeyTtlMs,
            deps,
            log: ctx.log.child({ component: 'jobs' }),
          }
        : undefined,
      ctx.log,
    );
    // Shutdown: running job attempts stop at once and give their leases back, so another instance resumes them.
    ctx.shutdownSignal.addEventListener('abort', () => void jobs.stop(), { once: true });
    server.addService(VideoServiceService, { ...createMediaHandlers({ ...deps, log: ctx.log }), ...jobs.handlers });
    return async () => {
      await jobs.stop();
      storage.close();
      await fs.rm(cacheDir, { recursive: true, force: true });
    };
  },
};
