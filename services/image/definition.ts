/**
 * imageServiceDefinition: the image service for the shared runtime — sharp tuned from the
 * config (libvips threads, a small or no operation cache), one job queue, a storage client
 * for object sources and watermark images (connected at start).
 */
import { sharp } from './sharp';
import { allocatorInUse } from '../../core/allocator';
import { ImageServiceService } from '../../generated/mediamesh/image/v1/image';
import type { ServiceDefinition } from '../runtime';
import { imageSpecs } from './config';
import { createImageService } from './image-service';
import { createJobQueue } from './job-queue';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient, lazyClient } from '../../mesh/client';
import { createStorageReader } from '../storage/read-client';
import { createRecentSources } from './recent-sources';
import { createObjectReader } from './source';

export const imageServiceDefinition: ServiceDefinition<typeof imageSpecs> = {
  name: 'image',
  protoFiles: ['mediamesh/image/v1/image.proto'],
  protoServices: ['mediamesh.image.v1.ImageService'],
  specs: imageSpecs,
  register(server, { config, log }) {
    if (config.vipsThreads) sharp.concurrency(config.vipsThreads);
    // Sources are rarely repeated, so libvips' operation cache only holds memory.
    sharp.cache(config.vipsCacheMb ? { memory: config.vipsCacheMb, files: 0, items: 100 } : false);
    log.info('sharp ready', {
      vipsThreads: sharp.concurrency(),
      libvips: sharp.versions.vips,
      allocator: allocatorInUse(),
    });
    // Storage is dialled now, before the instance registers: a standby's first request (a zone
    // failing over) must not pay for the dial. An image service that cannot dial it still starts.
    const storage = lazyClient(() => createMeshClient(StorageServiceClient, 'storage'));
    const notDialled = storage.connect();
    if (notDialled) log.warn('storage not dialled at start; the first object read will try again', { err: notDialled.message });
    const readObject = createObjectReader(createStorageReader(storage));
    const queue = createJobQueue(config.concurrency, config.maxQueue);
    const sources = createRecentSources(readObject, config.sourceCacheBytes);
    server.addService(ImageServiceService, createImageService({ config, queue, readObject, sources, log }));
    return () => storage.close();
  },
};
