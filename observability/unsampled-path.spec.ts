/**
 * An unsampled request through the lean tracer (parentbased_*, as telemetry.ts configures it): the
 * caller's trace goes on through the HTTP server span, a gRPC client and a gRPC server with the
 * caller's own ids and its sampled flag off, nothing is recorded or exported, and no span object,
 * attribute object or listener is made for it. A sampled caller, through the same code, is recorded.
 */
import * as grpc from '@grpc/grpc-js';
import * as http from 'node:http';
import { context, propagation, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverCallInterceptor } from '../services/runtime/server-call-interceptor';
import { tracingCallObserver, tracingClientInterceptor } from './grpc-spans';
import { traceHttpHandler } from './http-server-spans';
import { inTrace } from './request-trace';
import { createSampler } from './sampler';
import { SyncContextManager } from './sync-context';
import type { LeanSpan } from './tracer/lean-span';
import { LeanTracerProvider } from './tracer/lean-tracer';

const recorded: LeanSpan[] = [];
const raw = (b: Buffer) => b;
const definition: grpc.ServiceDefinition = {
  echo: { path: '/test.v1.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
};
type Client = grpc.Client & { echo(req: Buffer, cb: (err: grpc.ServiceError | null) => void): grpc.ClientUnaryCall };

/** What the gRPC handler saw: the traceparent it received and the span active in it. */
const seen: { traceparent: string; traceId: string; spanId: string; sampled: boolean }[] = [];
/** The 'close' listeners on each HTTP response when the handler ran. */
const closeListeners: number[] = [];
let grpcServer: grpc.Server;
let client: Client;
let httpServer: http.Server;
let base: string;

beforeAll(async () => {
  context.setGlobalContextManager(new SyncContextManager());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const limits = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity, eventCountLimit: 128, linkCountLimit: 128 };
  trace.setGlobalTracerProvider(new LeanTracerProvider({ sampler: createSampler('parentbased_always_on', 1), parentBased: true, limits, sink: { onEnd: (s) => recorded.push(s) } }));

  grpcServer = new grpc.Server({ interceptors: [serverCallInterceptor('test-1', [tracingCallObserver])] });
  grpcServer.addService(definition, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const sc = trace.getActiveSpan()?.spanContext();
      seen.push({ traceparent: String(call.metadata.get('traceparent')[0] ?? ''), traceId: sc?.traceId ?? '', spanId: sc?.spanId ?? '', sampled: Boolean(sc && sc.traceFlags & TraceFlags.SAMPLED) });
      cb(null, call.request);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const Ctor = grpc.makeGenericClientConstructor(definition, 'Echo');
  client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { interceptors: [tracingClientInterceptor] }) as unknown as Client;

  // The gateway's shape: the HTTP handler calls upstream later, in the request's trace.
  httpServer = http.createServer(
    traceHttpHandler((req, res) => {
      closeListeners.push(res.listenerCount('close'));
      setTimeout(() => inTrace(req, () => client.echo(Buffer.from('x'), (err) => res.writeHead(err ? 502 : 200).end())), 1);
    }),
  );
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
});

afterAll(async () => {
  client?.close();
  grpcServer?.forceShutdown();
  await new Promise((r) => httpServer?.close(r));
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  recorded.length = 0;
  seen.length = 0;
  closeListeners.length = 0;
});

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpan = '00f067aa0ba902b7';

describe('an unsampled request', () => {
  it("goes on with the caller's ids and flag through HTTP → gRPC client → gRPC server, and nothing is recorded", async () => {
    const res = await fetch(`${base}/demo/a.jpg`, { headers: { traceparent: `00-${traceId}-${callerSpan}-00` } });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ traceparent: `00-${traceId}-${callerSpan}-00`, traceId, spanId: callerSpan, sampled: false }]);
    // Nothing ends later either: the response has closed by now.
    await new Promise((r) => setTimeout(r, 50));
    expect(recorded).toEqual([]);
    expect(closeListeners).toHaveLength(1);
  });

  it('adds no listener to the response (a sampled one adds the span end)', async () => {
    await fetch(`${base}/x`, { headers: { traceparent: `00-${traceId}-${callerSpan}-00` } });
    await fetch(`${base}/x`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(closeListeners[1]).toBe(closeListeners[0]! + 1);
  });
});

describe('a sampled request through the same code', () => {
  it('records the HTTP server, gRPC client and gRPC server spans, parented in a chain', async () => {
    await fetch(`${base}/demo/a.jpg`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    for (let i = 0; i < 100 && recorded.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const server = recorded.find((s) => s.name === 'GET')!;
    const grpcClient = recorded.find((s) => s.kind === SpanKind.CLIENT)!;
    const grpcServerSpan = recorded.find((s) => s.kind === SpanKind.SERVER && s.name.startsWith('grpc.'))!;
    expect(recorded.map((s) => s.name).sort()).toEqual(['GET', 'grpc.test.v1.Echo/Echo', 'grpc.test.v1.Echo/Echo']);
    expect(server.parent?.spanId).toBe(callerSpan);
    expect(grpcClient.parent?.spanId).toBe(server.spanContext().spanId);
    expect(grpcServerSpan.parent?.spanId).toBe(grpcClient.spanContext().spanId);
    expect(seen[0]).toMatchObject({ traceId, spanId: grpcServerSpan.spanContext().spanId, sampled: true });
  });
});
