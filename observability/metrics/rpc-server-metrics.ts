/**
 * createRpcServerMetricsObserver: rate, errors and duration of every gRPC method a process
 * serves, as OpenTelemetry metrics (the gRPC instrumentation makes spans only):
 *   rpc.server.calls          counter    {rpc.system, rpc.service, rpc.method, rpc.grpc.status_code, rpc.grpc.status}
 *   rpc.server.call.duration  histogram  seconds, same attributes
 * Prometheus shows them as rpc_server_calls_total{...} and rpc_server_call_duration_{bucket,sum,count} (# UNIT s);
 * errors are the series whose rpc_grpc_status is not OK.
 * This file imports @grpc/grpc-js: start.ts loads it only once the runtime has loaded grpc-js.
 */
import { status as Status } from '@grpc/grpc-js';
import type { Meter } from '@opentelemetry/api';
import type { ServerCallObserver } from '../../core/call-observer';

/** DURATION_BUCKETS (seconds) span a health check to a long transcode. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** splitMethodPath turns "/mediamesh.image.v1.ImageService/Process" into service and method. */
export function splitMethodPath(path: string): { service: string; method: string } {
  const m = /^\/?([^/]+)\/([^/]+)$/.exec(path);
  return m ? { service: m[1]!, method: m[2]! } : { service: 'unknown', method: path || 'unknown' };
}

/** statusName is the upper-case name of a gRPC status code (OK, NOT_FOUND, ...). */
export function statusName(code: number): string {
  return (Status as unknown as Record<number, string>)[code] ?? String(code);
}

/** createRpcServerMetricsObserver records one count and one duration per finished call (a cancelled one as CANCELLED). */
export function createRpcServerMetricsObserver(meter: Meter): ServerCallObserver {
  const calls = meter.createCounter('rpc.server.calls', { description: 'gRPC calls served, by service, method and status', unit: '{call}' });
  const duration = meter.createHistogram('rpc.server.call.duration', {
    description: 'Duration of served gRPC calls, by service, method and status',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  return {
    onCall(path) {
      const { service, method } = splitMethodPath(path);
      const started = process.hrtime.bigint();
      return {
        end(code) {
          const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'rpc.grpc.status_code': code, 'rpc.grpc.status': statusName(code) };
          calls.add(1, attributes);
          duration.record(Number(process.hrtime.bigint() - started) / 1e9, attributes);
        },
      };
    },
  };
}
