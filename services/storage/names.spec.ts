import { describe, expect, it } from 'vitest';
import { validateBucketName, validateKey, validateObjectName } from './names';

describe('validateKey', () => {
  it.each(['a', 'photos/2024/cat.jpg', 'x..y', '.well-known/z', 'with space.png', '中文/图片.jpg', 'a'.repeat(255)])('accepts %j', (key) => {
    expect(validateKey(key)).toEqual({ ok: true, value: key });
  });

  it.each([
    ['', /empty/],
    ['../x', /segment 0 is "\.\."/],
    ['a/../../x', /segment 1 is "\.\."/],
    ['a/./b', /segment 1 is "\."/],
    ['..', /"\.\."/],
    ['/etc/passwd', /must be relative/],
    ['a\u0000b', /NUL or control/],
    ['a\nb', /NUL or control/],
    ['..\\x', /backslash/],
    ['C:/x', /drive path/],
    ['a//b', /segment 1 is empty/],
    ['dir/', /ends with "\/"/],
    ['x'.repeat(1025), /1025 bytes long/],
    ['a/' + 'y'.repeat(256), /longer than 255/],
    ['bad\ud800', /lone surrogate/],
  ])('refuses %j', (key, why) => {
    const r = validateKey(key);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('; ')).toMatch(why);
  });

  it('collects every problem at once', () => {
    const r = validateKey('/a/../b\\c\u0000');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.length).toBeGreaterThanOrEqual(3);
  });
});

describe('validateBucketName', () => {
  it('accepts lower-case names of 3-63 characters', () => {
    expect(validateBucketName('demo').ok).toBe(true);
    expect(validateBucketName('a1-b').ok).toBe(true);
  });
  it.each(['', 'ab', 'Demo', '-demo', 'de_mo', 'a'.repeat(64), '../x'])('refuses %j', (name) => {
    expect(validateBucketName(name).ok).toBe(false);
  });
  it('reports bucket and key problems together', () => {
    const r = validateObjectName('X', '../k');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(2);
  });
});
