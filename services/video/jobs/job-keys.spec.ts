import { describe, expect, it } from 'vitest';
import { JobSpec } from '../../../generated/mediamesh/video/v1/video';
import { checkIdempotencyKey, keyNodeName, parseKeyRecord, requestFingerprint } from './job-keys';

const spec = (fop: string): JobSpec => ({ source: { bucket: 'b', key: 'in.mp4' }, work: undefined, output: { bucket: 'b', key: 'out' }, notifyUrl: '', fop });

describe('job keys', () => {
  it('fingerprints a spec as it arrives again over the wire, and tells another spec apart', () => {
    const again = JobSpec.decode(JobSpec.encode(spec('hls')).finish());
    expect(requestFingerprint(again)).toBe(requestFingerprint(spec('hls')));
    expect(requestFingerprint(spec('hls/360'))).not.toBe(requestFingerprint(spec('hls')));
    expect(requestFingerprint(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names any key by its hash: a znode name whatever the key holds', () => {
    for (const key of ['a/b', '..', 'k'.repeat(255), 'ключ ✓']) expect(keyNodeName(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyNodeName('a')).not.toBe(keyNodeName('b'));
  });

  it('takes keys of up to 255 characters', () => {
    expect(() => checkIdempotencyKey('')).not.toThrow();
    expect(() => checkIdempotencyKey('k'.repeat(255))).not.toThrow();
    expect(() => checkIdempotencyKey('k'.repeat(256))).toThrow('idempotency_key: at most 255 characters, got 256');
  });

  it('reads a key record back and refuses anything else', () => {
    const record = { key: 'k', job: 'j0000000001deadbeef', request: 'ab', at: 1 };
    expect(parseKeyRecord(Buffer.from(JSON.stringify(record)))).toEqual(record);
    expect(parseKeyRecord(Buffer.from('{"key":"k","job":"j"}'))).toBeUndefined();
    expect(parseKeyRecord(Buffer.from('not json'))).toBeUndefined();
  });
});
