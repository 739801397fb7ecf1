/**
 * tracingInstrumentations: the maintained OpenTelemetry instrumentations that make our RPC and HTTP
 * spans. They patch modules as they are required, so observability/start (which runs this) is the
 * first import of every process entry, before anything loads @grpc/grpc-js.
 *  - gRPC (@opentelemetry/instrumentation-grpc): a CLIENT span per call of every grpc-js client and
 *    a SERVER span per call every server handles, named `grpc.<package.Service>/<Method>`, with
 *    rpc.system/service/method and rpc.grpc.status_code; any non-OK status is ERROR. The caller's
 *    `traceparent` is read from, and ours written to, the call's metadata. Control traffic makes no
 *    span: xDS and load-report streams (long-lived, opened by whichever request first needed a
 *    route, so they would hang in its trace; the control plane traces its pushes itself), health
 *    checks and reflection, as the HTTP probes below.
 *  - HTTP (@opentelemetry/instrumentation-http): a SERVER span per incoming request (the gateway's
 *    requests; a 5xx is ERROR, a 4xx is the client's problem), named `GET /*` once the gateway has
 *    told it the route (http-route.ts). Scrapes and probes (/metrics, /healthz, /readyz) make no span.
 *    The signed-URL `token` is redacted from url.query. Outgoing HTTP is not traced: our processes
 *    make none but the exporter's own.
 */
import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** UNTRACED_GRPC_METHODS: the xDS, LRS, grpc.health.v1 and reflection methods (the instrumentation matches method names). */
export const UNTRACED_GRPC_METHODS = ['StreamAggregatedResources', 'DeltaAggregatedResources', 'StreamLoadStats', 'Check', 'Watch', 'ServerReflectionInfo'];

/** UNTRACED_PATHS are answered without a span: Prometheus scrapes and health probes. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/** REDACTED_QUERY_PARAMS: the Qiniu-style signed URL's token, plus the SDK's own default list (cloud signatures). */
export const REDACTED_QUERY_PARAMS = ['token', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

/** isUntracedRequest: a GET of a scrape or probe path. */
export function isUntracedRequest(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return req.method === 'GET' && UNTRACED_PATHS.has(q < 0 ? url : url.slice(0, q));
}

/** tracingInstrumentations makes the instrumentations NodeSDK registers. */
export function tracingInstrumentations(): Instrumentation[] {
  const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof import('@opentelemetry/instrumentation-grpc');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  return [
    new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_GRPC_METHODS }),
    new HttpInstrumentation({
      disableOutgoingRequestInstrumentation: true,
      ignoreIncomingRequestHook: isUntracedRequest,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
    }),
  ];
}
