/**
 * setUpResultCache: the results cache as the gateway's configuration asks for it: the memory
 * tier (MEDIAMESH_RESULT_CACHE_BYTES, 0 = off), the disk tier (MEDIAMESH_RESULT_CACHE_DIR,
 * relative to MEDIAMESH_HOME, bounded by MEDIAMESH_RESULT_CACHE_DISK_BYTES), the known etags
 * (MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS) and, with ZooKeeper, a watch of the change signal of
 * every bucket whose etags it holds.
 */
import * as path from 'node:path';
import type { ChangeSignal } from '../../../mesh/registry';
import { ConfigError, type Logger } from '../../runtime';
import { bucketTopic } from '../../storage/change-events';
import { gatewaySpecs, type GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import { createDiskTier } from './disk-tier';
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

/** SMALLEST_TIER: below this a tier holds too few results to be worth having (a result may fill a quarter of it). */
const SMALLEST_TIER = 64 * 1024;

/**
 * checkResultCacheConfig rejects combinations no single variable's parser can see (ConfigError
 * names the variable; the gateway exits 2 with it).
 */
export function checkResultCacheConfig(config: GatewayConfig): void {
  const { resultCacheBytes, resultCacheDir, resultCacheDiskBytes } = gatewaySpecs;
  if (config.resultCacheBytes > 0 && config.resultCacheBytes < SMALLEST_TIER) {
    throw new ConfigError(resultCacheBytes.name, `${config.resultCacheBytes} bytes is too small for the results cache (0 = off, else at least 64k)`);
  }
  if (!config.resultCacheDir) return;
  if (config.resultCacheBytes === 0) {
    throw new ConfigError(resultCacheDir.name, `a disk tier needs the results cache on, but ${resultCacheBytes.name}=0 turns it off (unset ${resultCacheDir.name}, or give the memory tier bytes)`);
  }
  if (config.resultCacheDiskBytes < SMALLEST_TIER) {
    throw new ConfigError(resultCacheDiskBytes.name, `${config.resultCacheDiskBytes} bytes is too small for a disk tier (at least 64k; unset ${resultCacheDir.name} for none)`);
  }
}

/** setUpResultCache builds the cache (the disk tier indexes an earlier run's files in the background). */
export async function setUpResultCache(s: ResultCacheSetup): Promise<ResultCache> {
  const { config, metrics, log, changes } = s;
  checkResultCacheConfig(config);
  const etags = createKnownEtags({
    ttlMs: config.etagTtlMs,
    onFirstEtagOfBucket: (bucket) => changes?.watch(bucketTopic(bucket), () => etags.bucketChanged(bucket)),
  });
  if (config.resultCacheBytes <= 0) {
    log.info('results cache off (MEDIAMESH_RESULT_CACHE_BYTES=0): no X-Cache header; identical requests in flight are still made once');
    return createResultCache({ etags, metrics: metrics.resultCache, statEtag: s.statEtag });
  }
  const dir = config.resultCacheDir ? path.resolve(s.home, config.resultCacheDir) : undefined;
  const diskLog = log.child({ component: 'result-cache-disk' });
  const store = await createResultStore({
    maxBytes: config.resultCacheBytes,
    makeDisk: dir
      ? (hooks) => createDiskTier({ dir, maxBytes: config.resultCacheDiskBytes, ...hooks, onError: (what, err) => diskLog.warn(`disk tier ${what} failed`, { err: err instanceof Error ? err.message : String(err) }) })
      : undefined,
    onEvict: (tier) => metrics.resultCache.evicted(tier),
  });
  void store.disk?.loaded.then((results) => diskLog.info('results cache disk tier indexed', { event: 'result-cache-disk-loaded', dir, results, bytes: store.bytes('disk') }));
  metrics.resultCache.observeBytes((tier) => store.bytes(tier));
  log.info('results cache', { memoryBytes: config.resultCacheBytes, diskDir: dir ?? '', diskBytes: dir ? config.resultCacheDiskBytes : 0, etagTtlMs: config.etagTtlMs, changeSignals: !!changes });
  return createResultCache({ store, etags, metrics: metrics.resultCache, statEtag: s.statEtag });
}
