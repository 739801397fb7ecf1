/**
 * Hostile input end to end: traversal keys on every method (400, nothing written outside
 * the storage root), then a fuzz of ≥ 5,000 malformed operation strings and paths that
 * must all come back as 4xx JSON — never a 5xx, never a crash.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFop, parseVideoFop } from '../../fop';
import { admin, createBucket, filesUnder, request, startStack, type Stack } from './stack';

const HOSTILE_PATHS = [
  '/pub/../x',
  '/pub/../../outside.txt',
  '/pub/%2e%2e/x',
  '/pub/%2E%2E/%2e%2e/outside.txt',
  '/pub/..%2fx',
  '/pub/..%2F..%2Foutside.txt',
  '/pub/a/./b',
  '/pub//etc/passwd',
  '/pub/%2fetc%2fpasswd',
  '/pub/a%00b',
  '/pub/a%5c..%5c..%5coutside.txt',
  '/pub/..\\outside.txt',
  `/pub/${'k'.repeat(1100)}`,
  `/pub/${'%41'.repeat(1100)}`,
  '/pub/a%ZZ',
  '/pub/trailing/',
  '/../pub/x',
  '/%2e%2e/pub/x',
];

describe('gateway against hostile input', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await createBucket(stack.base, 'pub', 'public');
    expect((await request(stack.base, 'PUT', '/pub/ok.jpg', { headers: admin({ 'content-type': 'image/jpeg' }), body: 'not really a jpeg' })).status).toBe(200);
  });
  afterAll(() => stack?.stop());

  it('refuses traversal keys with 400 on every method and writes nothing outside the root', async () => {
    const before = filesUnder(stack.home);
    for (const p of HOSTILE_PATHS) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
        const res = await request(stack.base, method, p, { headers: admin(), body: method === 'PUT' ? 'payload' : undefined });
        expect(res.status, `${method} ${p.slice(0, 60)}`).toBe(400);
        if (method !== 'HEAD') expect(res.json().code).toBe(400);
      }
    }
    const after = filesUnder(stack.home);
    expect(after).toEqual(before);
    for (const f of after) expect(f.startsWith(`storage${path.sep}`) || !f.includes('outside')).toBe(true);
    expect(fs.existsSync(path.join(stack.home, 'outside.txt'))).toBe(false);
    expect(fs.existsSync(path.join(stack.home, 'storage', 'outside.txt'))).toBe(false);
  });

  it('answers ≥ 5,000 malformed operations and paths with 4xx JSON only', async () => {
    const rnd = mulberry32(42);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    const names = ['imageView2', 'imageView', 'imageMogr2', 'imageInfo', 'exif', 'imageAve', 'watermark', 'avinfo', 'vframe', 'avthumb', 'hls', 'saveas', 'foo', ''];
    const tokens = ['1', '0', '-1', '9', '99999999999', 'w', 'h', 'q', 'format', 'jpg', 'auto', 'thumbnail', 'crop', '!50p', 'x', '!', 'rotate', 'blur', '3x', 'gravity', 'Center', 'offset', 'NaN', '%', '%zz', '%00', '..', '|', '||', '/', '', 'é', '\u0001', 'e=1', 'token=a:b', '=', '&'];
    const mutate = (s: string): string => {
      const i = Math.floor(rnd() * (s.length + 1));
      const ops = [
        () => s.slice(0, i) + pick(['/', '|', '%', '!', '=', '&', '#', '?', '\\', ' ', '%7C', '%2F', '%ff']) + s.slice(i),
        () => s.slice(0, i) + s.slice(i + 1 + Math.floor(rnd() * 3)),
        () => s + '/' + pick(tokens),
      ];
      return pick(ops)();
    };
    const makeOp = (): string => {
      let s = pick(names);
      const n = Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) s += '/' + pick(tokens);
      if (rnd() < 0.2) s += '|' + pick(names) + '/' + pick(tokens);
      if (rnd() < 0.5) s = mutate(s);
      return s;
    };
    const makePath = (): string => {
      const segs = ['pub', 'ok.jpg', '..', '.', '%2e%2e', 'a%00', '%zz', '', 'x'.repeat(300), 'UPPER', 'ok.jpg%2f..', '\\'];
      const depth = 1 + Math.floor(rnd() * 4);
      return '/' + Array.from({ length: depth }, () => pick(segs)).join('/');
    };
    /** isValidOperation: a string that is actually well-formed would reach a media service. */
    const isValidOperation = (query: string): boolean => {
      const first = query.split('&')[0];
      if (first === '' || /^(e|token)=/.test(first)) return true;
      let decoded: string;
      try {
        decoded = decodeURIComponent(first);
      } catch {
        return false;
      }
      const parsed = parseFop(decoded);
      if (parsed.family === 'image') return parsed.result.ok;
      if (parsed.family === 'video') return !parsed.fop.includes('|') && parsed.fop.split('/')[0] !== 'hls' && parseVideoFop(parsed.fop).ok;
      return false;
    };

    const cases: string[] = [];
    while (cases.length < 5200) {
      if (rnd() < 0.8) {
        const op = makeOp();
        const query = encodeURI(op).replace(/%25/g, '%').replace(/#/g, '%23');
        if (isValidOperation(query)) continue;
        cases.push(`/pub/ok.jpg?${query}`);
      } else {
        const p = makePath();
        if (p === '/pub/ok.jpg') continue;
        cases.push(p);
      }
    }

    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const p = cases[next++];
        let res;
        try {
          res = await request(stack.base, 'GET', p);
        } catch (err) {
          failures.push(`${p}: ${String(err)}`);
          continue;
        }
        const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
        if (res.status < 400 || res.status >= 500 || !isJson || res.json().code !== res.status) failures.push(`${p}: ${res.status} ${res.body.toString().slice(0, 120)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(5000);
    // Still alive and serving.
    expect((await request(stack.base, 'GET', '/pub/ok.jpg')).status).toBe(200);
    expect(stack.gateway.child.exitCode).toBeNull();
  });
});

/** mulberry32: a tiny seeded PRNG, so a failing case can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
