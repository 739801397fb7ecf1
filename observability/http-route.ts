/**
 * setHttpRoute tells the HTTP server span of the request being served (made by
 * @opentelemetry/instrumentation-http) which route matched: the span then records http.route and is
 * named after it (`GET /*`) when the response ends. The standard way, as the Express and Fastify
 * instrumentations do it: through the RPC metadata the HTTP instrumentation puts in the request's
 * context. Without tracing (no such metadata) it does nothing.
 */
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/** setHttpRoute records the matched route ("/*", "/v1/jobs/:id") for the active request's span. */
export function setHttpRoute(route: string | undefined): void {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP && route) rpc.route = route;
}
