/**
 * Recent sources through real gRPC (image + storage processes): a Process call naming the
 * source's etag is answered from the object the image service read lately, without reading
 * storage (shown by deleting the object from storage behind its back); without an etag, or at
 * another etag, storage is read; MEDIAMESH_IMAGE_SOURCE_CACHE_BYTES=0 keeps nothing.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callError, object, processImage, sharp, startImageMesh, type ImageMesh } from './image-fixtures';

const FOP = 'imageView2/1/w/40/h/40/format/png';
const solid = (r: number, g: number, b: number) => sharp({ create: { width: 120, height: 80, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();
const centre = async (png: Uint8Array) => [...(await sharp(Buffer.from(png)).extract({ left: 20, top: 20, width: 1, height: 1 }).raw().toBuffer())];

const deleteObject = (mesh: ImageMesh, key: string) =>
  new Promise<void>((resolve, reject) => mesh.storageClient.deleteObject({ bucket: 'demo', key }, (err) => (err ? reject(err) : resolve())));

const etagOf = (mesh: ImageMesh, key: string) =>
  new Promise<string>((resolve, reject) => mesh.storageClient.statObject({ bucket: 'demo', key }, (err, res) => (err ? reject(err) : resolve(res!.info!.etag))));

describe('recent sources (default bound)', () => {
  let mesh: ImageMesh;
  beforeAll(async () => {
    mesh = await startImageMesh({ MEDIAMESH_IMAGE_MAX_INPUT_SIDE: '2000' });
  });
  afterAll(async () => mesh?.stop());

  it('answers at a known etag without reading storage, and reads storage otherwise', async () => {
    await mesh.put('demo', 'held.jpg', await solid(220, 20, 20));
    const first = await processImage(mesh.client, { source: object('demo', 'held.jpg'), fop: FOP });
    const etagRed = first.sourceObject!.etag;
    expect(etagRed).not.toBe('');

    // The object disappears from storage: at its etag the held source still answers, identically.
    await deleteObject(mesh, 'held.jpg');
    const held = await processImage(mesh.client, { source: object('demo', 'held.jpg'), fop: FOP, sourceEtag: etagRed });
    expect(Buffer.from(held.data).equals(Buffer.from(first.data))).toBe(true);
    expect(held.sourceObject?.etag).toBe(etagRed);
    // Without an etag storage is asked, and says the object is gone.
    expect((await callError(processImage(mesh.client, { source: object('demo', 'held.jpg'), fop: FOP }))).code).toBe(grpc.status.NOT_FOUND);

    // New content under the same key: a caller naming its etag gets it from storage.
    await mesh.put('demo', 'held.jpg', await solid(20, 20, 220));
    const etagBlue = await etagOf(mesh, 'held.jpg');
    const blue = await processImage(mesh.client, { source: object('demo', 'held.jpg'), fop: FOP, sourceEtag: etagBlue });
    expect(blue.sourceObject!.etag).toBe(etagBlue);
    expect((await centre(blue.data))[2]).toBeGreaterThan(180);
    // The held source is now the blue one: a caller still naming the red etag is answered from storage (blue).
    const stale = await processImage(mesh.client, { source: object('demo', 'held.jpg'), fop: FOP, sourceEtag: etagRed });
    expect(stale.sourceObject!.etag).toBe(etagBlue);
  });

  it('checks the source limits on a held source too (its header is not read again)', async () => {
    await mesh.put('demo', 'wide.jpg', await sharp({ create: { width: 3000, height: 10, channels: 3, background: '#888' } }).jpeg().toBuffer());
    const etag = await etagOf(mesh, 'wide.jpg');
    const first = await callError(processImage(mesh.client, { source: object('demo', 'wide.jpg'), fop: FOP }));
    const again = await callError(processImage(mesh.client, { source: object('demo', 'wide.jpg'), fop: FOP, sourceEtag: etag }));
    expect(first.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(again).toEqual(first);
  });
});

describe('recent sources off (MEDIAMESH_IMAGE_SOURCE_CACHE_BYTES=0)', () => {
  let mesh: ImageMesh;
  beforeAll(async () => {
    mesh = await startImageMesh({ MEDIAMESH_IMAGE_SOURCE_CACHE_BYTES: '0' });
  });
  afterAll(async () => mesh?.stop());

  it('reads storage on every call, even at a known etag', async () => {
    await mesh.put('demo', 'kept.jpg', await solid(20, 200, 20));
    const first = await processImage(mesh.client, { source: object('demo', 'kept.jpg'), fop: FOP });
    await deleteObject(mesh, 'kept.jpg');
    const err = await callError(processImage(mesh.client, { source: object('demo', 'kept.jpg'), fop: FOP, sourceEtag: first.sourceObject!.etag }));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });
});
