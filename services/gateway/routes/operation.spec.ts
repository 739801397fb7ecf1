/**
 * The gateway parses a URL's operations once and sends them typed: what reaches the image
 * and video services is ImageOperation[] / Vframe / Avthumb, never the `fop` string they
 * would parse again. Upstreams are in-memory stand-ins recording each request (the
 * integration suites in test/gateway prove the same URLs against the real services).
 */
import { metrics } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { ProcessRequest, ProcessResponse } from '../../../generated/mediamesh/image/v1/image';
import type { SnapshotRequest } from '../../../generated/mediamesh/video/v1/video';
import { createLogger, loadConfig } from '../../runtime';
import { gatewaySpecs } from '../config';
import type { GatewayContext } from '../context';
import { createGatewayMetrics } from '../metrics';
import { SecurityChecker } from '../security-checker';
import { createGatewayServer } from '../server';
import type { Upstreams } from '../upstreams';
import { createKnownEtags } from '../result-cache/known-etags';
import { createResultCache } from '../result-cache/result-cache';

function gatewayWithRecorder() {
  const sent: { process: ProcessRequest[]; snapshot: SnapshotRequest[] } = { process: [], snapshot: [] };
  const answer: ProcessResponse = { data: Buffer.from('img'), contentType: 'image/jpeg', width: 1, height: 1, format: 'jpeg', originalReturned: false, sourceObject: { etag: 'e1', size: 3, privateBucket: false } };
  const stat = { info: { bucket: 'demo', key: 'a', size: 3, etag: 'e1', contentType: 'video/mp4', lastModified: undefined }, visibility: 1 };
  type Cb<T> = (err: null, res: T) => void;
  const upstreams = {
    image: { process: (req: ProcessRequest, _md: unknown, _o: unknown, cb: Cb<ProcessResponse>) => (sent.process.push(req), cb(null, answer)) },
    video: { snapshot: (req: SnapshotRequest, _md: unknown, _o: unknown, cb: Cb<unknown>) => (sent.snapshot.push(req), cb(null, { data: Buffer.from('f'), contentType: 'image/jpeg', width: 1, height: 1 })) },
    storage: { statObject: (_req: unknown, _md: unknown, _o: unknown, cb: Cb<typeof stat>) => cb(null, stat) },
    close: () => undefined,
  } as unknown as Upstreams;
  const gatewayMetrics = createGatewayMetrics(metrics.getMeter('test'), async () => '');
  const ctx: GatewayContext = {
    config: loadConfig(gatewaySpecs, {}),
    upstreams,
    checker: new SecurityChecker({ adminToken: '', signingKeys: [] }),
    buckets: { isPrivate: async () => false },
    metrics: gatewayMetrics,
    // The results cache off: each request reaches the stand-ins.
    results: createResultCache({ etags: createKnownEtags({ ttlMs: 0 }), metrics: gatewayMetrics.resultCache, statEtag: async () => 'e1' }),
    log: createLogger({ service: 'gateway-spec' }),
  };
  return { app: createGatewayServer(ctx), sent };
}

describe('serveOperation sends typed operations', () => {
  it('an image pipeline goes to Process as ImageOperation[] without a fop string', async () => {
    const { app, sent } = gatewayWithRecorder();
    const res = await app.inject({ method: 'GET', url: '/demo/a.jpg?imageView2/1/w/200/h/100%7CimageMogr2/rotate/90' });
    expect(res.statusCode, res.body).toBe(200);
    expect(sent.process).toHaveLength(1);
    expect(sent.process[0].fop).toBe('');
    expect(sent.process[0].operations.map((o) => o.op?.$case)).toEqual(['imageView2', 'imageMogr2']);
    expect(sent.process[0].operations[0].op).toMatchObject({ value: { mode: 1, width: 200, height: 100 } });
    await app.close();
  });

  it('varies by Accept exactly when the pipeline asks for format/auto', async () => {
    const { app } = gatewayWithRecorder();
    const auto = await app.inject({ method: 'GET', url: '/demo/a.jpg?imageView2/2/w/10/format/auto', headers: { accept: 'image/webp' } });
    expect(auto.headers.vary).toBe('Accept');
    const overridden = await app.inject({ method: 'GET', url: '/demo/a.jpg?imageView2/2/w/10/format/auto%7CimageMogr2/format/png' });
    expect(overridden.headers.vary).toBeUndefined();
    await app.close();
  });

  it('a vframe goes to Snapshot as a typed Vframe', async () => {
    const { app, sent } = gatewayWithRecorder();
    const res = await app.inject({ method: 'GET', url: '/demo/a.mp4?vframe/png/offset/2.5/w/320' });
    expect(res.statusCode, res.body).toBe(200);
    expect(sent.snapshot[0].fop).toBe('');
    expect(sent.snapshot[0].vframe).toMatchObject({ format: 2, offset: 2.5, width: 320 });
    await app.close();
  });

  it('refuses what fop/ refuses before any upstream call', async () => {
    const { app, sent } = gatewayWithRecorder();
    for (const [url, message] of [
      ['/demo/a.mp4?vframe/jpg/offset/1%7CimageInfo', 'vframe: video operations cannot be part of a pipeline'],
      ['/demo/a.jpg?imageView2/1/w/abc', 'imageView2: w: expected a positive integer, got \\"abc\\"'],
      ['/demo/a.jpg?hls/360', 'unknown command \\"hls\\"'],
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain(message);
    }
    expect(sent.process.length + sent.snapshot.length).toBe(0);
    await app.close();
  });
});
