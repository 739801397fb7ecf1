import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from './metrics';

describe('gateway metrics', () => {
  it('renders requests, durations and the process memory in Prometheus text', () => {
    const m = createGatewayMetrics();
    m.requestStarted();
    m.requestFinished('/:bucket/*', 'GET', 200, 0.02, 1234);
    const text = m.render();
    expect(text).toContain('mediamesh_gateway_requests_total{route="/:bucket/*",method="GET",status="200"} 1');
    expect(text).toContain('mediamesh_gateway_request_duration_seconds_bucket{route="/:bucket/*",le="0.025"} 1');
    expect(text).toContain('mediamesh_gateway_response_bytes_total 1234');
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes']) {
      expect(text).toMatch(new RegExp(`# TYPE ${name} gauge\\n${name} \\d+\\n`));
    }
  });
});
