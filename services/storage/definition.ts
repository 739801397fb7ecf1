/** storageService: the ServiceDefinition runMain starts (services/storage/main.ts). */
import { StorageServiceService } from '../../generated/mediamesh/storage/v1/storage';
import { createChangeSignal, createZkSession } from '../../mesh/registry';
import type { ServiceDefinition } from '../runtime';
import { bucketTopic, signalWrites } from './change-events';
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
    const disk = await createDiskBackend({ root, maxObjectBytes: config.maxObjectBytes });
    // With ZooKeeper, every write bumps its bucket's change signal (gateways drop that bucket's etags).
    const session = runtime.zk ? createZkSession({ connectString: runtime.zk, log: log.child({ component: 'change-signal' }) }) : undefined;
    const signal = session && createChangeSignal({ session, basePath: runtime.zkBasePath, log });
    const backend = signal ? signalWrites(disk, (bucket) => signal.publish(bucketTopic(bucket))) : disk;
    log.info('storage ready', { root, maxObjectBytes: config.maxObjectBytes, changeSignals: !!signal });
    server.addService(StorageServiceService, createStorageHandlers(backend, log));
    return () => session?.close();
  },
};
