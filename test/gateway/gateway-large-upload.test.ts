/**
 * A 200 MB upload streamed through the gateway into storage and back, with the
 * gateway's peak RSS (VmHWM from /proc) staying far below the object size: the body is
 * never held in memory on either path.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createBucket, request, startStack, type Stack } from './stack';

const SIZE = 200 * 1024 * 1024;
const CHUNK = 256 * 1024;

/** peakRssMb reads VmHWM (peak resident set) of a process. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** body generates SIZE pseudo-random-looking bytes lazily and hashes them as they go. */
function generated(hash: ReturnType<typeof createHash>): Readable {
  let sent = 0;
  const block = Buffer.alloc(CHUNK);
  return new Readable({
    read() {
      if (sent >= SIZE) return this.push(null);
      const n = Math.min(CHUNK, SIZE - sent);
      for (let i = 0; i < n; i += 4) block.writeUInt32LE((sent + i) * 2654435761 >>> 0, i);
      const chunk = Buffer.from(block.subarray(0, n));
      hash.update(chunk);
      sent += n;
      this.push(chunk);
    },
  });
}

describe('gateway large upload', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await createBucket(stack.base, 'big', 'public');
  });
  afterAll(() => stack?.stop());

  it('streams 200 MB in and out with bounded gateway memory', async () => {
    const before = peakRssMb(stack.gateway.pid);
    const sent = createHash('sha256');
    const put = await request(stack.base, 'PUT', '/big/movie.bin', {
      headers: admin({ 'content-type': 'application/octet-stream', 'content-length': String(SIZE) }),
      body: generated(sent),
    });
    expect(put.status, put.body.toString()).toBe(200);
    const digest = sent.digest('hex');
    expect(put.json()).toMatchObject({ size: SIZE, etag: digest.slice(0, 32) });
    const afterUpload = peakRssMb(stack.gateway.pid);

    const got = createHash('sha256');
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${stack.base}/big/movie.bin`, (res) => {
          expect(res.statusCode).toBe(200);
          res.on('data', (c: Buffer) => {
            received += c.length;
            got.update(c);
          });
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
    expect(received).toBe(SIZE);
    expect(got.digest('hex')).toBe(digest);
    const afterDownload = peakRssMb(stack.gateway.pid);

    // Generous bounds for a noisy machine: a buffered body would add ≥ 200 MB.
    expect(afterUpload - before, `peak RSS ${before.toFixed(0)} → ${afterUpload.toFixed(0)} MB`).toBeLessThan(100);
    expect(afterDownload - before, `peak RSS ${before.toFixed(0)} → ${afterDownload.toFixed(0)} MB`).toBeLessThan(100);
    expect(afterDownload).toBeLessThan(250);
    process.stdout.write(`gateway peak RSS: start ${before.toFixed(1)} MB, after upload ${afterUpload.toFixed(1)} MB, after download ${afterDownload.toFixed(1)} MB\n`);
  });
});
