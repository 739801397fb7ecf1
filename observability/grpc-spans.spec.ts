import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverCallInterceptor } from '../services/runtime/server-call-interceptor';
import { tracingCallObserver, tracingClientInterceptor } from './grpc-spans';
import { SyncContextManager } from './sync-context';

// Real grpc-js client and server in this process, spans in memory; test/observability reads them back from Jaeger.
const exporter = new InMemorySpanExporter();
const raw = (b: Buffer) => b;
const definition: grpc.ServiceDefinition = {
  echo: { path: '/test.v1.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  list: { path: '/test.v1.Echo/List', requestStream: false, responseStream: true, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
};
type Client = grpc.Client & {
  echo(req: Buffer, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientUnaryCall;
  list(req: Buffer): grpc.ClientReadableStream<Buffer>;
};

let server: grpc.Server;
let client: Client;
let address = '';
let Ctor: ReturnType<typeof grpc.makeGenericClientConstructor>;
/** The span active in each handler's synchronous part. */
const activeInHandler: string[] = [];

beforeAll(async () => {
  context.setGlobalContextManager(new SyncContextManager());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  server = new grpc.Server({ interceptors: [serverCallInterceptor('test-1', [tracingCallObserver])] });
  server.addService(definition, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      activeInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? '');
      const what = call.request.toString();
      if (what === 'missing') return cb({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
      if (what === 'slow') return void setTimeout(() => cb(null, call.request), 2000);
      cb(null, call.request);
    },
    list: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      activeInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? '');
      call.write(Buffer.from('a'));
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  Ctor = grpc.makeGenericClientConstructor(definition, 'Echo');
  address = `127.0.0.1:${port}`;
  client = new Ctor(address, grpc.credentials.createInsecure(), { interceptors: [tracingClientInterceptor] }) as unknown as Client;
});

afterAll(() => {
  client?.close();
  server?.forceShutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  exporter.reset();
  activeInHandler.length = 0;
});

const echo = (what: string) => new Promise<grpc.status>((resolve) => client.echo(Buffer.from(what), (err) => resolve(err ? err.code : grpc.status.OK)));

/** ended waits until n spans have ended and returns them, client and server picked out. */
async function ended(n: number): Promise<{ client: ReadableSpan; server: ReadableSpan; all: ReadableSpan[] }> {
  for (let i = 0; i < 200 && exporter.getFinishedSpans().length < n; i++) await new Promise((r) => setTimeout(r, 10));
  const all = exporter.getFinishedSpans();
  return { client: all.find((s) => s.kind === SpanKind.CLIENT)!, server: all.find((s) => s.kind === SpanKind.SERVER)!, all };
}

describe('gRPC spans from interceptors', () => {
  it('parent → client span → server span in one trace, the server span active in the handler', async () => {
    const parent = trace.getTracer('test').startSpan('caller');
    const code = await context.with(trace.setSpan(context.active(), parent), () => echo('hello'));
    parent.end();
    expect(code).toBe(grpc.status.OK);
    const { client: c, server: s } = await ended(3);
    expect(c.name).toBe('grpc.test.v1.Echo/Echo');
    expect(s.name).toBe('grpc.test.v1.Echo/Echo');
    expect(c.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(s.parentSpanContext?.spanId).toBe(c.spanContext().spanId);
    expect(s.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(activeInHandler).toEqual([s.spanContext().spanId]);
    for (const span of [c, s]) {
      expect(span.attributes).toEqual({ 'rpc.system': 'grpc', 'rpc.service': 'test.v1.Echo', 'rpc.method': 'Echo', 'rpc.grpc.status_code': 0 });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('a call made outside any span starts a trace at the client', async () => {
    await echo('root');
    const { client: c, server: s } = await ended(2);
    expect(c.parentSpanContext).toBeUndefined();
    expect(s.parentSpanContext?.spanId).toBe(c.spanContext().spanId);
  });

  it('a failed call is ERROR on both sides with the gRPC code and details', async () => {
    expect(await echo('missing')).toBe(grpc.status.NOT_FOUND);
    const { client: c, server: s } = await ended(2);
    for (const span of [c, s]) {
      expect(span.attributes['rpc.grpc.status_code']).toBe(grpc.status.NOT_FOUND);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such thing' });
    }
  });

  it('a server-streaming handler runs inside its span too', async () => {
    await new Promise<void>((resolve, reject) => {
      const stream = client.list(Buffer.from('x'));
      stream.on('data', () => undefined);
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const { server: s } = await ended(2);
    expect(s.name).toBe('grpc.test.v1.Echo/List');
    expect(activeInHandler).toEqual([s.spanContext().spanId]);
  });

  it('a call cancelled by the client ends both spans as CANCELLED', async () => {
    await new Promise<void>((resolve) => {
      const call = client.echo(Buffer.from('slow'), () => resolve());
      setTimeout(() => call.cancel(), 100);
    });
    const { client: c, server: s } = await ended(2);
    expect(c.attributes['rpc.grpc.status_code']).toBe(grpc.status.CANCELLED);
    expect(s.attributes['rpc.grpc.status_code']).toBe(grpc.status.CANCELLED);
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('sits over other client interceptors: they see the traceparent, the caller gets metadata, message and status', async () => {
    const seen: string[] = [];
    const below: grpc.Interceptor = (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          seen.push(`traceparent ${metadata.get('traceparent').length}`);
          next(metadata, {
            onReceiveMetadata: (md, nextMd) => (seen.push('metadata'), nextMd(md)),
            onReceiveMessage: (msg, nextMsg) => (seen.push('message'), nextMsg(msg)),
            onReceiveStatus: (st, nextSt) => (seen.push(`status ${st.code}`), nextSt(st)),
          });
        },
      });
    const layered = new Ctor(address, grpc.credentials.createInsecure(), { interceptors: [tracingClientInterceptor, below] }) as unknown as Client;
    try {
      const got = await new Promise<{ body: string; headers: boolean }>((resolve, reject) => {
        let headers = false;
        const call = layered.echo(Buffer.from('hi'), (err, res) => (err ? reject(err) : resolve({ body: res!.toString(), headers })));
        call.on('metadata', () => (headers = true));
      });
      expect(got).toEqual({ body: 'hi', headers: true });
      expect(seen).toEqual(['traceparent 1', 'metadata', 'message', 'status 0']);
      const { all } = await ended(2);
      expect(all.map((sp) => sp.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    } finally {
      layered.close();
    }
  });
});
