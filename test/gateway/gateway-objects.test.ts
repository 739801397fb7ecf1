/**
 * End to end through real processes: upload → byte-identical fetch → ranges → 304 →
 * delete → 404; admin token; size limit; signed URLs (valid, expired, tampered, unknown
 * key, rotation); Prometheus metrics; graceful stop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUrl } from '../../services/gateway/signing';
import { startService } from '../../launcher/process';
import { admin, createBucket, request, startStack, type Stack } from './stack';

describe('gateway objects (storage + gateway processes)', () => {
  let stack: Stack;
  const data = randomBytes(300_000);
  const etag = createHash('sha256').update(data).digest('hex').slice(0, 32);

  beforeAll(async () => {
    stack = await startStack({ gatewayEnv: { MEDIAMESH_MAX_UPLOAD_BYTES: '1m' } });
    await createBucket(stack.base, 'pub', 'public');
    await createBucket(stack.base, 'priv', 'private');
  });
  afterAll(() => stack?.stop());

  it('uploads, fetches byte-identical, serves ranges and 304, deletes', async () => {
    const put = await request(stack.base, 'PUT', '/pub/media/clip.mp4', { headers: admin({ 'content-type': 'video/mp4' }), body: data });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ bucket: 'pub', key: 'media/clip.mp4', size: data.length, etag, contentType: 'video/mp4' });

    const get = await request(stack.base, 'GET', '/pub/media/clip.mp4');
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);
    expect(get.headers).toMatchObject({ etag: `"${etag}"`, 'accept-ranges': 'bytes', 'content-type': 'video/mp4', 'content-length': String(data.length) });
    expect(get.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(Date.parse(String(get.headers['last-modified']))).toBeGreaterThan(Date.now() - 120_000);

    const head = await request(stack.base, 'HEAD', '/pub/media/clip.mp4');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(data.length));
    expect(head.body.length).toBe(0);

    // Safari's probe, an open range, a suffix, a range past the end (clamped), unsatisfiable.
    const probe = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: 'bytes=0-1' } });
    expect(probe.status).toBe(206);
    expect(probe.headers['content-range']).toBe(`bytes 0-1/${data.length}`);
    expect(probe.body.equals(data.subarray(0, 2))).toBe(true);
    const open = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: 'bytes=299000-' } });
    expect(open.status).toBe(206);
    expect(open.body.equals(data.subarray(299_000))).toBe(true);
    const suffix = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: 'bytes=-500' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes ${data.length - 500}-${data.length - 1}/${data.length}`);
    expect(suffix.body.equals(data.subarray(data.length - 500))).toBe(true);
    const middle = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: 'bytes=1000-199999' } });
    expect(middle.body.equals(data.subarray(1000, 200_000))).toBe(true);
    const bad = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: `bytes=${data.length}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${data.length}`);
    expect(bad.json()).toMatchObject({ code: 416 });
    const staleIfRange = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { range: 'bytes=0-1', 'if-range': '"old"' } });
    expect(staleIfRange.status).toBe(200);

    const cached = await request(stack.base, 'GET', '/pub/media/clip.mp4', { headers: { 'if-none-match': `"${etag}"` } });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);

    expect((await request(stack.base, 'DELETE', '/pub/media/clip.mp4')).status).toBe(401);
    expect((await request(stack.base, 'DELETE', '/pub/media/clip.mp4', { headers: admin() })).status).toBe(204);
    const gone = await request(stack.base, 'GET', '/pub/media/clip.mp4');
    expect(gone.status).toBe(404);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect(gone.json()).toEqual({ code: 404, error: 'no such object: pub/media/clip.mp4' });
  });

  it('refuses uploads without the token (401) and over the limit (413), keeping nothing', async () => {
    const noToken = await request(stack.base, 'PUT', '/pub/x.bin', { body: 'abc' });
    expect(noToken.status).toBe(401);
    expect(noToken.json()).toMatchObject({ code: 401 });
    const badToken = await request(stack.base, 'PUT', '/pub/x.bin', { headers: { authorization: 'Bearer wrong' }, body: 'abc' });
    expect(badToken.status).toBe(401);

    const declared = await request(stack.base, 'PUT', '/pub/big.bin', { headers: admin(), body: Buffer.alloc(2 * 1024 * 1024) });
    expect(declared.status).toBe(413);
    // Chunked (no Content-Length): the limit is found while streaming.
    const { Readable } = await import('node:stream');
    const chunked = Readable.from((function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, i);
    })());
    const streamed = await request(stack.base, 'PUT', '/pub/big.bin', { headers: admin({ 'transfer-encoding': 'chunked' }), body: chunked });
    expect(streamed.status).toBe(413);
    expect(streamed.json().error).toMatch(/too large/);
    expect((await request(stack.base, 'GET', '/pub/big.bin')).status).toBe(404);
    expect((await request(stack.base, 'GET', '/healthz')).status).toBe(200);
  });

  it('answers refused uploads while the client is still sending: 100 in a row read their 413, none reset', async () => {
    // The gateway answers before the body has arrived; closing at once would reset a client still
    // writing it (EPIPE before it reads the 413, about 1 in 25 here). It closes lingering instead.
    const { Readable } = await import('node:stream');
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      for (const chunked of [false, true]) {
        const body = chunked ? Readable.from((function* () {
          for (let j = 0; j < 40; j++) yield Buffer.alloc(64 * 1024, j);
        })()) : Buffer.alloc(2 * 1024 * 1024);
        const headers = admin(chunked ? { 'transfer-encoding': 'chunked' } : {});
        const outcome = await request(stack.base, 'PUT', '/pub/big.bin', { headers, body }).then((r) => String(r.status), (err: Error) => err.message);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(outcomes)).toEqual({ '413': 200 });
  });

  it('keeps the old object when a client disconnects midway through an upload', async () => {
    expect((await request(stack.base, 'PUT', '/pub/keep.bin', { headers: admin(), body: 'original' })).status).toBe(200);
    const { request: rawRequest } = await import('node:http');
    const u = new URL(stack.base);
    await new Promise<void>((resolve) => {
      const req = rawRequest({ host: u.hostname, port: u.port, method: 'PUT', path: '/pub/keep.bin', headers: admin({ 'content-length': '500000' }) });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(200_000, 7), () => setTimeout(() => req.destroy(), 300));
    });
    await new Promise((r) => setTimeout(r, 500));
    const after = await request(stack.base, 'GET', '/pub/keep.bin');
    expect(after.body.toString()).toBe('original');
  });

  it('serves private objects only with a valid signed URL, from either key', async () => {
    expect((await request(stack.base, 'PUT', '/priv/secret.txt', { headers: admin({ 'content-type': 'text/plain' }), body: 'top secret' })).status).toBe(200);
    const url = `${stack.base}/priv/secret.txt`;
    const now = Math.floor(Date.now() / 1000);
    const pathOf = (u: string) => u.slice(stack.base.length);
    const k1 = { accessKey: 'ak1', secretKey: 'first-secret-key' };
    const k2 = { accessKey: 'ak2', secretKey: 'second-secret-key' };

    const ok1 = await request(stack.base, 'GET', pathOf(signUrl(url, k1, now + 300)));
    expect(ok1.status).toBe(200);
    expect(ok1.body.toString()).toBe('top secret');
    expect(ok1.headers['cache-control']).toMatch(/^private/);
    expect((await request(stack.base, 'GET', pathOf(signUrl(url, k2, now + 300)))).status).toBe(200);

    const cases: [string, string, RegExp][] = [
      ['unsigned', '/priv/secret.txt', /no token/],
      ['expired', pathOf(signUrl(url, k1, now - 10)), /expired/],
      ['tampered key', pathOf(signUrl(url, k1, now + 300)).replace('secret.txt', 'secret.TXT'), /bad signature/],
      ['missing key, unsigned', '/priv/not-there.txt', /no token/],
      ['tampered deadline', pathOf(signUrl(url, k1, now + 300)).replace(`e=${now + 300}`, `e=${now + 99999}`), /bad signature/],
      ['unknown key', pathOf(signUrl(url, { accessKey: 'ak9', secretKey: 'whatever-secret' }, now + 300)), /unknown access key/],
    ];
    for (const [name, p, why] of cases) {
      const res = await request(stack.base, 'GET', p);
      expect(res.status, name).toBe(401);
      expect(res.json().error, name).toMatch(why);
    }
    // A correctly signed URL of a missing key is an honest 404.
    expect((await request(stack.base, 'GET', pathOf(signUrl(`${stack.base}/priv/not-there.txt`, k1, now + 300)))).status).toBe(404);
    const tampered = signUrl(url, k1, now + 300).replace('secret.txt?', 'secret.txt?imageInfo&');
    expect((await request(stack.base, 'GET', pathOf(tampered))).status).toBe(401);

    // Rotation: a gateway that only knows the new key refuses the old one.
    const rotated = await startService('services/gateway/main.ts', {
      env: {
        MEDIAMESH_HOME: stack.home,
        MEDIAMESH_MESH_MODE: 'direct',
        MEDIAMESH_DIRECT_STORAGE: stack.storage.address,
        MEDIAMESH_DIRECT_IMAGE: '127.0.0.1:1',
        MEDIAMESH_GATEWAY_PORT: '0',
        MEDIAMESH_SIGNING_KEYS: 'ak2:second-secret-key',
      },
    });
    try {
      const base2 = `http://127.0.0.1:${rotated.port}`;
      const viaNew = signUrl(`${base2}/priv/secret.txt`, k2, now + 300);
      const viaOld = signUrl(`${base2}/priv/secret.txt`, k1, now + 300);
      expect((await request(base2, 'GET', viaNew.slice(base2.length))).status).toBe(200);
      expect((await request(base2, 'GET', viaOld.slice(base2.length))).status).toBe(401);
    } finally {
      expect(await rotated.stop()).toBe(0);
    }
  });

  it('answers JSON errors for bad management input and unknown routes', async () => {
    const badJson = await request(stack.base, 'POST', '/v1/buckets', { headers: admin({ 'content-type': 'application/json' }), body: '{nope' });
    expect(badJson.status).toBe(400);
    const badName = await request(stack.base, 'POST', '/v1/buckets', { headers: admin(), body: JSON.stringify({ name: 'UPPER', visibility: 'secret' }) });
    expect(badName.status).toBe(400);
    expect(badName.json().error).toMatch(/name: .*; visibility/);
    const conflict = await request(stack.base, 'POST', '/v1/buckets', { headers: admin(), body: JSON.stringify({ name: 'pub', visibility: 'private' }) });
    expect(conflict.status).toBe(409);
    expect((await request(stack.base, 'POST', '/pub/x')).status).toBe(405);
    expect((await request(stack.base, 'GET', '/nosuchbucket/x')).status).toBe(404);
    const badType = await request(stack.base, 'PUT', '/pub/x', { headers: admin({ 'content-type': 'not a type' }), body: 'x' });
    expect(badType.status).toBeGreaterThanOrEqual(400);
    expect(badType.status).toBeLessThan(500);
  });

  it('exports Prometheus metrics and stops gracefully on SIGTERM', async () => {
    const m = await request(stack.base, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = m.body.toString();
    expect(text).toMatch(/mediamesh_gateway_requests_total\{route="object",method="GET",status="206"\} [1-9]/);
    expect(text).toMatch(/mediamesh_gateway_request_duration_seconds_bucket\{route="upload",le="\+Inf"\} [1-9]/);
    expect(text).toMatch(/mediamesh_gateway_requests_in_flight 1\n/);
    expect(text).toMatch(/mediamesh_gateway_request_bytes_total [1-9]/);
    // /readyz: storage is up, image is not (127.0.0.1:1): not ready, and it says why.
    const ready = await request(stack.base, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json().error).toMatch(/image/);
    expect(ready.json().error).not.toMatch(/storage/);
  });
});
