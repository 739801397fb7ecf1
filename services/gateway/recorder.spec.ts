import * as fs from 'node:fs';
import * as path from 'node:path';
import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { tempDirForTest } from '../../test/harness/temp-dir';
import { createRecorder, parseRecording, recordOf } from './recorder';

describe('recorder', () => {
  it('recordOf keeps chosen headers and never the Authorization value', () => {
    const r = recordOf(12, { method: 'GET', url: '/pub/a.jpg?imageInfo', headers: { authorization: 'Bearer s3cret', range: 'bytes=0-9', cookie: 'c=1' } }, 206, '10');
    expect(r).toEqual({ t: 12, method: 'GET', url: '/pub/a.jpg?imageInfo', headers: { range: 'bytes=0-9' }, auth: true, status: 206, size: 10 });
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });

  it('recordOf leaves size out when the answer had no content-length, and HEAD has size 0', () => {
    expect(recordOf(0, { method: 'GET', url: '/x', headers: {} }, 200, undefined).size).toBeUndefined();
    expect(recordOf(0, { method: 'HEAD', url: '/x', headers: {} }, 200, '99').size).toBe(0);
  });

  it('createRecorder writes one JSON line per answered request through a Fastify app', async () => {
    const file = path.join(tempDirForTest('mm-rec-'), 'rec.jsonl');
    const recorder = createRecorder(file);
    const app = fastify();
    app.addHook('onResponse', recorder.onResponse);
    app.addHook('onClose', () => recorder.close());
    app.get('/ok', async (_req, reply) => reply.header('content-length', '5').send('hello'));
    await app.inject({ method: 'GET', url: '/ok?x=1', headers: { authorization: 'Bearer top-secret', accept: 'image/webp' } });
    await app.inject({ method: 'GET', url: '/missing' });
    await app.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('top-secret');
    const { records, errors } = parseRecording(text);
    expect(errors).toEqual([]);
    expect(records.map((r) => [r.method, r.url, r.status, r.auth])).toEqual([
      ['GET', '/ok?x=1', 200, true],
      ['GET', '/missing', 404, false],
    ]);
    expect(records[0].size).toBe(5);
    expect(records[0].headers).toEqual({ accept: 'image/webp' });
  });

  it('parseRecording names every bad line and field', () => {
    const { records, errors } = parseRecording('{"t":0,"method":"GET","url":"/a","status":200}\nnope\n{"t":-1,"method":"get","url":"a"}\n');
    expect(records).toHaveLength(1);
    expect(errors).toEqual(['line 2: not JSON', 'line 3: expected t: a non-negative number, method: an HTTP method, url: a path starting with /, status: a number']);
  });
});
