/** storageService: the ServiceDefinition runMain starts (services/storage/main.ts). */
import { StorageServiceService } from '../../generated/mediamesh/storage/v1/storage';
import type { ServiceDefinition } from '../runtime';
import { storageRoot, storageSpecs } from './config';
import { createDiskBackend } from './disk-backend';
import { createStorageHandlers } from './grpc-handlers';

export const storageService: ServiceDefinition<typeof storageSpecs> = {
  name: 'storage',
  protoFiles: ['mediamesh/storage/v1/storage.proto'],
  protoServices: ['mediamesh.storage.v1.StorageService'],
  specs: storageSpecs,
  async register(server, { config, runtime, log }) {
    const root = storageRoot(config, runtime.home);
    const backend = await createDiskBackend({ root, maxObjectBytes: config.maxObjectBytes });
    log.info('storage ready', { root, maxObjectBytes: config.maxObjectBytes });
    server.addService(StorageServiceService, createStorageHandlers(backend, log));
  },
};
