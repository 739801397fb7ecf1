/**
 * One trace across real processes: an HTTP client with its own `traceparent` → gateway (HTTP server,
 * gRPC client) → image (gRPC server, sharp steps, gRPC client) → storage (gRPC server), read back from
 * a real Jaeger through /api/v3/traces/{id}. Every span must share the caller's trace id and hang
 * off the right parent; a failing request marks exactly the spans that failed; a caller's unsampled
 * trace is served and never recorded.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { fetchTrace, waitForTrace, type JaegerSpan } from '../../observability/jaeger-query';
import { ancestors, describeSpans, findSpan, newCaller, startChain, type Chain } from './support';

const PROCESS = 'grpc.mediamesh.image.v1.ImageService/Process';
const GET_OBJECT = 'grpc.mediamesh.storage.v1.StorageService/GetObject';

let jaeger: JaegerServer;
let chain: Chain;

beforeAll(async () => {
  jaeger = await startJaeger();
  chain = await startChain(jaeger);
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366cc' } }).jpeg().toBuffer();
  await chain.put('demo', 'sample.jpg', jpeg);
  // A truncated JPEG: the header reads fine, decoding the pixels fails (inside a traced sharp step).
  await chain.put('demo', 'broken.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
});

afterAll(async () => {
  await chain?.stop();
  await jaeger?.stop();
});

/** get fetches a gateway URL with the caller's traceparent. */
async function get(path: string, traceparent: string): Promise<Response> {
  const res = await fetch(`${chain.base}${path}`, { headers: { traceparent } });
  await res.arrayBuffer();
  return res;
}

describe('gateway → image → storage', () => {
  it('makes one trace, parented from the caller through every hop, with sharp spans', async () => {
    const caller = newCaller();
    const res = await get('/demo/sample.jpg?imageView2/1/w/64/h/64', caller.traceparent);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);

    const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, {
      until: has(['mediamesh-gateway', 'SERVER'], ['mediamesh-gateway', 'CLIENT', PROCESS], ['mediamesh-image', 'SERVER', PROCESS], ['mediamesh-image', 'INTERNAL', 'image.encode'], ['mediamesh-image', 'CLIENT', GET_OBJECT], ['mediamesh-storage', 'SERVER', GET_OBJECT]),
    });
    const spans = trace.spans;
    const dump = describeSpans(spans);
    expect(new Set(spans.map((s) => s.traceId)), dump).toEqual(new Set([caller.traceId]));

    // gateway: the HTTP server span is the child of the caller's span.
    const gwServer = findSpan(spans, (s) => s.service === 'mediamesh-gateway' && s.kind === 'SERVER', 'gateway HTTP server span');
    expect(gwServer.parentSpanId, dump).toBe(caller.spanId);
    expect(gwServer.attributes['http.response.status_code'] ?? gwServer.attributes['http.status_code'], dump).toBe(200);
    // gateway → image: client span under the gateway's server span (possibly via gateway-internal spans).
    const gwClient = findSpan(spans, (s) => s.service === 'mediamesh-gateway' && s.kind === 'CLIENT' && s.name === PROCESS, 'gateway Process client span');
    expect(ancestors(spans, gwClient), dump).toContain(gwServer.spanId);
    const imgServer = findSpan(spans, (s) => s.service === 'mediamesh-image' && s.kind === 'SERVER' && s.name === PROCESS, 'image Process server span');
    expect(imgServer.parentSpanId, dump).toBe(gwClient.spanId);
    expect(imgServer.resource['service.instance.id'], dump).toMatch(/^image-/);
    // image → storage.
    const imgClient = findSpan(spans, (s) => s.service === 'mediamesh-image' && s.kind === 'CLIENT' && s.name === GET_OBJECT, 'image GetObject client span');
    expect(ancestors(spans, imgClient), dump).toContain(imgServer.spanId);
    const stServer = findSpan(spans, (s) => s.service === 'mediamesh-storage' && s.kind === 'SERVER' && s.name === GET_OBJECT, 'storage GetObject server span');
    expect(stServer.parentSpanId, dump).toBe(imgClient.spanId);
    // sharp work: decode, resize (operations), encode, all inside the image server span.
    for (const step of ['image.decode', 'image.applyOperations', 'image.encode']) {
      const span = findSpan(spans, (s) => s.service === 'mediamesh-image' && s.name === step, step);
      expect(ancestors(spans, span), dump).toContain(imgServer.spanId);
    }
    for (const s of spans) expect(s.status.code, `${s.name} ${dump}`).not.toBe('ERROR');
  });

  it('marks the failing spans with error status when the image cannot be decoded', async () => {
    const caller = newCaller();
    const res = await get('/demo/broken.jpg?imageView2/1/w/64/h/64', caller.traceparent);
    expect(res.status).toBeGreaterThanOrEqual(400);

    const trace = await waitForTrace(jaeger.uiUrl, caller.traceId, {
      until: has(['mediamesh-gateway', 'SERVER'], ['mediamesh-gateway', 'CLIENT', PROCESS], ['mediamesh-image', 'SERVER', PROCESS], ['mediamesh-storage', 'SERVER', GET_OBJECT]),
    });
    const spans = trace.spans;
    const dump = describeSpans(spans);
    // storage delivered the bytes: its span is fine.
    const stServer = findSpan(spans, (s) => s.service === 'mediamesh-storage' && s.kind === 'SERVER' && s.name === GET_OBJECT, 'storage server span');
    expect(stServer.status.code, dump).not.toBe('ERROR');
    // image failed: its server span, and the gateway's client span of that call, carry ERROR and the gRPC code.
    const imgServer = findSpan(spans, (s) => s.service === 'mediamesh-image' && s.kind === 'SERVER' && s.name === PROCESS, 'image server span');
    expect(imgServer.status.code, dump).toBe('ERROR');
    expect(imgServer.attributes['rpc.grpc.status_code'], dump).not.toBe(0);
    const gwClient = findSpan(spans, (s) => s.service === 'mediamesh-gateway' && s.kind === 'CLIENT' && s.name === PROCESS, 'gateway client span');
    expect(gwClient.status.code, dump).toBe('ERROR');
    expect(gwClient.attributes['rpc.grpc.status_code'], dump).toBe(imgServer.attributes['rpc.grpc.status_code']);
    // The failing sharp step says so too, inside the image server span.
    const failed = spans.filter((s) => s.service === 'mediamesh-image' && s.name.startsWith('image.') && s.status.code === 'ERROR');
    expect(failed.length, dump).toBeGreaterThan(0);
    for (const f of failed) expect(ancestors(spans, f), dump).toContain(imgServer.spanId);
    // A 4xx is the client's problem, not the gateway's: its HTTP server span is not an error (OTel HTTP semconv).
    const gwServer = findSpan(spans, (s) => s.service === 'mediamesh-gateway' && s.kind === 'SERVER', 'gateway server span');
    expect(gwServer.parentSpanId, dump).toBe(caller.spanId);
    if (res.status < 500) expect(gwServer.status.code, dump).not.toBe('ERROR');
  });

  it("records nothing for a caller whose traceparent says unsampled, and serves it as usual", async () => {
    const unsampled = newCaller();
    const res = await get('/demo/sample.jpg?imageView2/1/w/48/h/48', unsampled.traceparent.replace(/-01$/, '-00'));
    expect(res.status).toBe(200);
    // A sampled request after it: once its trace is whole, every process has exported what it ended before.
    const sampled = newCaller();
    expect((await get('/demo/sample.jpg?imageView2/1/w/40/h/40', sampled.traceparent)).status).toBe(200);
    await waitForTrace(jaeger.uiUrl, sampled.traceId, {
      until: has(['mediamesh-gateway', 'SERVER'], ['mediamesh-image', 'SERVER', PROCESS], ['mediamesh-image', 'INTERNAL', 'image.encode'], ['mediamesh-storage', 'SERVER', GET_OBJECT]),
    });
    expect(await fetchTrace(jaeger.uiUrl, unsampled.traceId)).toBeUndefined();
  });
});

/** has is a waitForTrace predicate: every [service, kind, name?] is present. */
function has(...wanted: [string, string, string?][]): (spans: JaegerSpan[]) => boolean {
  return (spans) => wanted.every(([service, kind, name]) => spans.some((s) => s.service === service && s.kind === kind && (!name || s.name === name)));
}
