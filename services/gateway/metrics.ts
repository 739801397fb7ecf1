/**
 * createGatewayMetrics: the gateway's metrics (imgproxy's list as the model) as OpenTelemetry
 * instruments on the process's meter, the one metrics stack of every mediamesh process
 * (observability/metrics/meter.ts): requests by route/method/status, a duration histogram by route,
 * requests in flight, bytes in and out, 429s from the limiter, upstream errors by gRPC code. The
 * Prometheus names are those the gateway has always served (mediamesh_gateway_requests_total, …);
 * the process's memory now comes with the standard runtime metrics (process_memory_usage for the
 * RSS, v8js_memory_heap_used and v8js_memory_heap_space_size by heap space, event loop, GC).
 */
import type { Meter } from '@opentelemetry/api';

/** DURATION_BUCKETS (seconds): a cached 304 to a long transcode. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** GatewayMetrics records the gateway's metrics and renders the process's. */
export interface GatewayMetrics {
  requestStarted(): void;
  requestFinished(route: string, method: string, status: number, seconds: number, bytesOut: number): void;
  bytesIn(n: number): void;
  rejected(reason: 'queue_full' | 'queue_timeout'): void;
  upstreamError(service: string, code: string): void;
  /** resultCache counts the results cache's lookups and evictions. */
  readonly resultCache: {
    hit(tier: 'memory' | 'disk'): void;
    miss(): void;
    /** coalesced: a request joined an identical one's Process call in flight. */
    coalesced(): void;
    evicted(tier: 'memory' | 'disk'): void;
    /** observeBytes reports each tier's bytes at every collection. */
    observeBytes(bytes: (tier: 'memory' | 'disk') => number): void;
  };
  /** render returns every metric of the process in the Prometheus text format (version 0.0.4). */
  render(): Promise<string>;
}

/** createGatewayMetrics makes the gateway's instruments on meter; render is the process's Prometheus text. */
export function createGatewayMetrics(meter: Meter, render: () => Promise<string>): GatewayMetrics {
  const requests = meter.createCounter('mediamesh.gateway.requests', { description: 'HTTP requests by route, method and status.' });
  const duration = meter.createHistogram('mediamesh.gateway.request_duration_seconds', {
    description: 'HTTP request durations by route.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const inFlight = meter.createUpDownCounter('mediamesh.gateway.requests_in_flight', { description: 'HTTP requests being served.' });
  const requestBytes = meter.createCounter('mediamesh.gateway.request_bytes', { description: 'Bytes received in request bodies.', unit: 'By' });
  const responseBytes = meter.createCounter('mediamesh.gateway.response_bytes', { description: 'Bytes sent in response bodies (with a known length).', unit: 'By' });
  const rejections = meter.createCounter('mediamesh.gateway.rejected', { description: 'Requests refused with 429 by the concurrency limiter.' });
  const upstreamErrors = meter.createCounter('mediamesh.gateway.upstream_errors', { description: 'Errors returned by mesh services, by gRPC code.' });
  const cacheHits = meter.createCounter('mediamesh.gateway.result_cache.hits', { description: 'Results served from the results cache, by tier.' });
  const cacheMisses = meter.createCounter('mediamesh.gateway.result_cache.misses', { description: 'Cacheable image requests the results cache did not hold.' });
  const cacheCoalesced = meter.createCounter('mediamesh.gateway.result_cache.coalesced', { description: 'Image requests that joined an identical request\'s Process call in flight.' });
  const cacheEvictions = meter.createCounter('mediamesh.gateway.result_cache.evictions', { description: 'Results evicted to stay within a tier\'s bytes, by tier.' });
  const cacheBytes = meter.createObservableGauge('mediamesh.gateway.result_cache.bytes', { description: 'Bytes held by the results cache, by tier.', unit: 'By' });
  // Series that exist from the start, at 0, as the text exposition always showed them.
  inFlight.add(0);
  requestBytes.add(0);
  responseBytes.add(0);
  cacheMisses.add(0);
  cacheCoalesced.add(0);
  for (const tier of ['memory', 'disk'] as const) {
    cacheHits.add(0, { tier });
    cacheEvictions.add(0, { tier });
  }

  return {
    requestStarted: () => inFlight.add(1),
    requestFinished(route, method, status, seconds, out) {
      inFlight.add(-1);
      responseBytes.add(out);
      requests.add(1, { route, method, status: String(status) });
      duration.record(seconds, { route });
    },
    bytesIn: (n) => requestBytes.add(n),
    rejected: (reason) => rejections.add(1, { reason }),
    upstreamError: (service, code) => upstreamErrors.add(1, { service, code }),
    resultCache: {
      hit: (tier) => cacheHits.add(1, { tier }),
      miss: () => cacheMisses.add(1),
      coalesced: () => cacheCoalesced.add(1),
      evicted: (tier) => cacheEvictions.add(1, { tier }),
      observeBytes: (bytes) =>
        cacheBytes.addCallback((r) => {
          for (const tier of ['memory', 'disk'] as const) r.observe(bytes(tier), { tier });
        }),
    },
    render,
  };
}
