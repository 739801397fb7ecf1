import { metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcessMetrics } from '../../observability/metrics/meter';
import { createGatewayMetrics } from './metrics';

// The gateway's instruments through the process's real metrics stack (SDK meter provider + Prometheus text).
const stack = startProcessMetrics(resourceFromAttributes({ 'service.name': 'mediamesh-gateway' }));
afterAll(async () => {
  await stack.shutdown();
  metrics.disable();
});

describe('gateway metrics', () => {
  it('renders requests, durations, bytes, rejections and the process memory under their Prometheus names', async () => {
    const m = createGatewayMetrics(metrics.getMeter('mediamesh/gateway'), stack.render);
    m.requestStarted();
    m.requestStarted();
    m.requestFinished('object', 'GET', 200, 0.02, 1234);
    m.bytesIn(10);
    m.rejected('queue_full');
    m.upstreamError('mesh', '14');
    m.resultCache.hit('memory');
    m.resultCache.hit('disk');
    m.resultCache.miss();
    m.resultCache.coalesced();
    m.resultCache.evicted('memory');
    m.resultCache.observeBytes((tier) => (tier === 'memory' ? 4096 : 0));
    const text = await m.render();
    expect(text).toContain('mediamesh_gateway_requests_total{route="object",method="GET",status="200"} 1');
    expect(text).toContain('mediamesh_gateway_request_duration_seconds_bucket{route="object",le="0.025"} 1');
    expect(text).toContain('mediamesh_gateway_request_duration_seconds_count{route="object"} 1');
    expect(text).toMatch(/\nmediamesh_gateway_requests_in_flight 1\n/);
    expect(text).toMatch(/\nmediamesh_gateway_response_bytes_total 1234\n/);
    expect(text).toMatch(/\nmediamesh_gateway_request_bytes_total 10\n/);
    expect(text).toContain('mediamesh_gateway_rejected_total{reason="queue_full"} 1');
    expect(text).toContain('mediamesh_gateway_upstream_errors_total{service="mesh",code="14"} 1');
    expect(text).toMatch(/# TYPE mediamesh_gateway_requests_total counter\n/);
    // The results cache's series.
    expect(text).toContain('mediamesh_gateway_result_cache_hits_total{tier="memory"} 1');
    expect(text).toContain('mediamesh_gateway_result_cache_hits_total{tier="disk"} 1');
    expect(text).toMatch(/\nmediamesh_gateway_result_cache_misses_total 1\n/);
    expect(text).toMatch(/\nmediamesh_gateway_result_cache_coalesced_total 1\n/);
    expect(text).toContain('mediamesh_gateway_result_cache_evictions_total{tier="memory"} 1');
    expect(text).toContain('mediamesh_gateway_result_cache_bytes{tier="memory"} 4096');
    expect(text).toContain('mediamesh_gateway_result_cache_bytes{tier="disk"} 0');
    expect(text).toContain('mediamesh_gateway_result_cache_evictions_total{tier="disk"} 0');
    // The standard process and runtime metrics ride along.
    expect(text).toMatch(/\nprocess_memory_usage [1-9]\d+\n/);
    expect(text).toMatch(/\nv8js_memory_heap_used\{v8js_heap_space_name="old_space"\} [1-9]\d*\n/);
    expect(text).toMatch(/target_info\{[^}]*service_name="mediamesh-gateway"/);
  });
});
