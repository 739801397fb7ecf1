/**
 * Processed variants end to end: gateway → image → storage as three real processes.
 * Dimensions are checked on the returned bytes; results carry derived ETags (304 on
 * repeat), public caching, Vary: Accept for format/auto; bad operations are 400s that
 * name the problem; private buckets need signed URLs for operations too.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUrl } from '../../services/gateway/signing';
import { admin, createBucket, request, startStack, type Stack } from './stack';

describe('gateway operations (storage + image + gateway processes)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ image: true });
    await createBucket(stack.base, 'demo', 'public');
    await createBucket(stack.base, 'vault', 'private');
    const jpeg = await sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .jpeg({ quality: 85 })
      .toBuffer();
    for (const bucket of ['demo', 'vault']) {
      const res = await request(stack.base, 'PUT', `/${bucket}/sample.jpg`, { headers: admin({ 'content-type': 'image/jpeg' }), body: jpeg });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => stack?.stop());

  const dims = async (body: Buffer) => {
    const m = await sharp(body).metadata();
    return { format: m.format, width: m.width, height: m.height };
  };

  it('is ready once storage and image answer health checks', async () => {
    const ready = await request(stack.base, 'GET', '/readyz');
    expect(ready.status, ready.body.toString()).toBe(200);
  });

  it('serves imageView2 thumbnails with derived ETags and 304s', async () => {
    const res = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/1/w/200/h/200');
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(await dims(res.body)).toEqual({ format: 'jpeg', width: 200, height: 200 });
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const original = await request(stack.base, 'HEAD', '/demo/sample.jpg');
    expect(etag).not.toBe(original.headers.etag);

    const again = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/1/w/200/h/200', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const other = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/2/w/200');
    expect(await dims(other.body)).toEqual({ format: 'jpeg', width: 200, height: 133 });
    expect(other.headers.etag).not.toBe(etag);
  });

  it('runs pipelines (| and %7C), JSON info and format negotiation', async () => {
    const piped = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/2/h/200%7CimageMogr2/rotate/90');
    expect(piped.status, piped.body.toString()).toBe(200);
    expect(await dims(piped.body)).toMatchObject({ width: 200, height: 300 });

    const info = await request(stack.base, 'GET', '/demo/sample.jpg?imageInfo');
    expect(info.status).toBe(200);
    expect(info.headers['content-type']).toMatch(/^application\/json/);
    expect(info.json()).toMatchObject({ format: 'jpeg', width: 640, height: 427 });

    const webp = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/2/w/100/format/auto', { headers: { accept: 'image/webp,*/*' } });
    expect(webp.status, webp.body.toString()).toBe(200);
    expect(webp.headers.vary).toBe('Accept');
    expect(await dims(webp.body)).toMatchObject({ format: 'webp', width: 100 });
    const plain = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/2/w/100/format/auto', { headers: { accept: 'image/jpeg' } });
    expect(plain.headers.etag).not.toBe(webp.headers.etag);
  });

  it('answers bad operations with 400 naming the problem, before any processing', async () => {
    const badMode = await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/9/w/100');
    expect(badMode.status).toBe(400);
    expect(badMode.json().error).toMatch(/imageView2/);
    const unknown = await request(stack.base, 'GET', '/demo/sample.jpg?resize/100');
    expect(unknown.status).toBe(400);
    expect(unknown.json().error).toMatch(/unknown command "resize"/);
    const missing = await request(stack.base, 'GET', '/demo/nothing.jpg?imageView2/2/w/100');
    expect(missing.status).toBe(404);
  });

  it('requires a signature for operations on private buckets', async () => {
    expect((await request(stack.base, 'GET', '/vault/sample.jpg?imageView2/2/w/100')).status).toBe(401);
    const signed = signUrl(`${stack.base}/vault/sample.jpg?imageView2/2/w/100`, { accessKey: 'ak2', secretKey: 'second-secret-key' }, Math.floor(Date.now() / 1000) + 60);
    const res = await request(stack.base, 'GET', signed.slice(stack.base.length));
    expect(res.status, res.body.toString()).toBe(200);
    expect(await dims(res.body)).toMatchObject({ width: 100, height: 67 });
    expect(res.headers['cache-control']).toMatch(/^private/);
  });

  it('enforces a private bucket its bucket directory has not seen yet (storage answers for visibility)', async () => {
    // Load the gateway's cached bucket list, then create a private bucket it does not know of.
    expect((await request(stack.base, 'GET', '/demo/sample.jpg?imageView2/2/w/50')).status).toBe(200);
    await createBucket(stack.base, 'late', 'private');
    const put = await request(stack.base, 'PUT', '/late/sample.jpg', { headers: admin({ 'content-type': 'image/jpeg' }), body: (await request(stack.base, 'GET', '/demo/sample.jpg')).body });
    expect(put.status).toBe(200);
    const unsigned = await request(stack.base, 'GET', '/late/sample.jpg?imageView2/2/w/100');
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers['cache-control']).toBe('no-store');
    expect(unsigned.json().error).toMatch(/private/);
    const signed = signUrl(`${stack.base}/late/sample.jpg?imageView2/2/w/100`, { accessKey: 'ak2', secretKey: 'second-secret-key' }, Math.floor(Date.now() / 1000) + 60);
    expect((await request(stack.base, 'GET', signed.slice(stack.base.length))).status).toBe(200);
    // A missing key there looks like an existing one to an unsigned caller (no probing for keys).
    expect((await request(stack.base, 'GET', '/vault/nothing.jpg?imageView2/2/w/100')).status).toBe(401);
  });
});
