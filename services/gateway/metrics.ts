/**
 * createGatewayMetrics: the gateway's Prometheus metrics in a small text exposition
 * (imgproxy's list as the model): requests by route/method/status, a duration histogram
 * by route, requests in flight, bytes in and out, 429s from the limiter, upstream errors
 * by gRPC code, and the process's memory (RSS and V8 heap, prom-client's names: a steady
 * climb of the heap used is a leak, RSS going up and down with it is the collector at work).
 * Kept dependency-free so observability/ can later swap in OTel.
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** GatewayMetrics records and renders the gateway's metrics. */
export interface GatewayMetrics {
  requestStarted(): void;
  requestFinished(route: string, method: string, status: number, seconds: number, bytesOut: number): void;
  bytesIn(n: number): void;
  rejected(reason: 'queue_full' | 'queue_timeout'): void;
  upstreamError(service: string, code: string): void;
  /** render returns the Prometheus text exposition (version 0.0.4). */
  render(): string;
}

/** createGatewayMetrics makes an empty metrics registry. */
export function createGatewayMetrics(): GatewayMetrics {
  const requests = new Map<string, number>();
  const durations = new Map<string, Histogram>();
  const rejections = new Map<string, number>();
  const upstreamErrors = new Map<string, number>();
  let inFlight = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  const inc = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

  return {
    requestStarted: () => void inFlight++,
    requestFinished(route, method, status, seconds, out) {
      inFlight = Math.max(0, inFlight - 1);
      bytesOut += out;
      inc(requests, labels({ route, method, status: String(status) }));
      const key = labels({ route });
      let h = durations.get(key);
      if (!h) durations.set(key, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) h!.counts[i]++;
      });
      h.sum += seconds;
      h.count++;
    },
    bytesIn: (n) => void (bytesIn += n),
    rejected: (reason) => inc(rejections, labels({ reason })),
    upstreamError: (service, code) => inc(upstreamErrors, labels({ service, code })),
    render() {
      const out: string[] = [];
      const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      family('mediamesh_gateway_requests_total', 'counter', 'HTTP requests by route, method and status.');
      for (const [k, v] of requests) out.push(`mediamesh_gateway_requests_total{${k}} ${v}`);
      family('mediamesh_gateway_request_duration_seconds', 'histogram', 'HTTP request durations by route.');
      for (const [k, h] of durations) {
        BUCKETS.forEach((b, i) => out.push(`mediamesh_gateway_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
        out.push(`mediamesh_gateway_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        out.push(`mediamesh_gateway_request_duration_seconds_sum{${k}} ${h.sum}`, `mediamesh_gateway_request_duration_seconds_count{${k}} ${h.count}`);
      }
      family('mediamesh_gateway_requests_in_flight', 'gauge', 'HTTP requests being served.');
      out.push(`mediamesh_gateway_requests_in_flight ${inFlight}`);
      family('mediamesh_gateway_request_bytes_total', 'counter', 'Bytes received in request bodies.');
      out.push(`mediamesh_gateway_request_bytes_total ${bytesIn}`);
      family('mediamesh_gateway_response_bytes_total', 'counter', 'Bytes sent in response bodies (with a known length).');
      out.push(`mediamesh_gateway_response_bytes_total ${bytesOut}`);
      family('mediamesh_gateway_rejected_total', 'counter', 'Requests refused with 429 by the concurrency limiter.');
      for (const [k, v] of rejections) out.push(`mediamesh_gateway_rejected_total{${k}} ${v}`);
      family('mediamesh_gateway_upstream_errors_total', 'counter', 'Errors returned by mesh services, by gRPC code.');
      for (const [k, v] of upstreamErrors) out.push(`mediamesh_gateway_upstream_errors_total{${k}} ${v}`);
      const mem = process.memoryUsage();
      family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
      out.push(`process_resident_memory_bytes ${mem.rss}`);
      family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap size in bytes.');
      out.push(`nodejs_heap_size_total_bytes ${mem.heapTotal}`);
      family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap used in bytes.');
      out.push(`nodejs_heap_size_used_bytes ${mem.heapUsed}`);
      family('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript objects (Buffers included).');
      out.push(`nodejs_external_memory_bytes ${mem.external}`);
      return out.join('\n') + '\n';
    },
  };
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
