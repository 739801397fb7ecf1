/**
 * setUpResultCache: the results cache as the gateway's configuration asks for it: the memory
 * tier (MEDIAMESH_RESULT_CACHE_BYTES, 0 = off), the disk tier (MEDIAMESH_RESULT_CACHE_DIR,
 * relative to MEDIAMESH_HOME, bounded by MEDIAMESH_RESULT_CACHE_DISK_BYTES), the known etags
 * (MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS) and, with ZooKeeper, a watch of the change signal of
 * every bucket whose etags it holds.
 */
import * as path from 'node:path';
import type { ChangeSignal } from '../../../mesh/registry';
import type { Logger } from '../../runtime';
import { bucketTopic } from '../../storage/change-events';
import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import { createDiskTier, prepareDiskFolder } from './disk-tier';
import { createKnownEtags } from './known-etags';
import { createResultCache, type ResultCache } from './result-cache';
import { createResultStore } from './result-store';

export interface ResultCacheSetup {
  readonly config: GatewayConfig;
  readonly home: string;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** The change signals of storage's writes (absent without ZooKeeper: the TTL alone bounds staleness). */
  readonly changes?: ChangeSignal;
  readonly statEtag: (bucket: string, key: string) => Promise<string>;
}

/** setUpResultCache builds the cache (preparing the disk tier's folder first). */
export async function setUpResultCache(s: ResultCacheSetup): Promise<ResultCache> {
  const { config, metrics, log, changes } = s;
  const etags = createKnownEtags({
    ttlMs: config.etagTtlMs,
    onFirstEtagOfBucket: (bucket) => changes?.watch(bucketTopic(bucket), () => etags.bucketChanged(bucket)),
  });
  if (config.resultCacheBytes <= 0) {
    log.info('results cache off (MEDIAMESH_RESULT_CACHE_BYTES=0): identical requests in flight are still made once');
    return createResultCache({ etags, metrics: metrics.resultCache, statEtag: s.statEtag });
  }
  const dir = config.resultCacheDir ? path.resolve(s.home, config.resultCacheDir) : undefined;
  if (dir) await prepareDiskFolder(dir);
  const store = createResultStore({
    maxBytes: config.resultCacheBytes,
    makeDisk: dir ? (onDrop) => createDiskTier({ dir, maxBytes: config.resultCacheDiskBytes, onDrop }) : undefined,
    onEvict: (tier) => metrics.resultCache.evicted(tier),
  });
  metrics.resultCache.observeBytes((tier) => store.bytes(tier));
  log.info('results cache', { memoryBytes: config.resultCacheBytes, diskDir: dir ?? '', diskBytes: dir ? config.resultCacheDiskBytes : 0, etagTtlMs: config.etagTtlMs, changeSignals: !!changes });
  return createResultCache({ store, etags, metrics: metrics.resultCache, statEtag: s.statEtag });
}
