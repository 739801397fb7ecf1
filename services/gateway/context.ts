/** GatewayContext: what every route needs, built once in server.ts. */
import type { Logger } from '../runtime';
import type { BucketDirectory } from './bucket-visibility';
import type { GatewayConfig } from './config';
import type { GatewayMetrics } from './metrics';
import type { ResultCache } from './result-cache/result-cache';
import type { SecurityChecker } from './security-checker';
import type { Upstreams } from './upstreams';

export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly upstreams: Upstreams;
  readonly checker: SecurityChecker;
  readonly buckets: BucketDirectory;
  readonly metrics: GatewayMetrics;
  readonly results: ResultCache;
  readonly log: Logger;
}
