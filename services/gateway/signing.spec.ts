import { describe, expect, it } from 'vitest';
import { SecurityChecker } from './security-checker';
import { parseSigningKeys, signatureOf, signUrl, splitSignedUrl } from './signing';

const K1 = { accessKey: 'MY_ACCESS_KEY', secretKey: 'MY_SECRET_KEY' };
const K2 = { accessKey: 'ak2', secretKey: 'second-secret' };

describe('signing', () => {
  it('matches the Qiniu test vector of notes §7', () => {
    expect(signatureOf('MY_SECRET_KEY', 'http://developer.qiniu.com/resource/flower.jpg?e=1451491200')).toBe('v24Hqj-H6oM96pmWC-QgDm5JLbk=');
    expect(signUrl('http://developer.qiniu.com/resource/flower.jpg', K1, 1451491200)).toBe(
      'http://developer.qiniu.com/resource/flower.jpg?e=1451491200&token=MY_ACCESS_KEY:v24Hqj-H6oM96pmWC-QgDm5JLbk=',
    );
  });

  it('appends e= with & after an operation and splits the URL back', () => {
    const url = signUrl('http://h/b/k.jpg?imageView2/2/w/200', K2, 2000000000);
    expect(url).toMatch(/^http:\/\/h\/b\/k\.jpg\?imageView2\/2\/w\/200&e=2000000000&token=ak2:/);
    expect(splitSignedUrl(url)).toMatchObject({ signed: 'http://h/b/k.jpg?imageView2/2/w/200&e=2000000000', deadline: 2000000000, accessKey: 'ak2' });
    expect(splitSignedUrl('http://h/b/k')).toBeUndefined();
  });

  it('parses key lists and names every bad entry', () => {
    expect(parseSigningKeys('a1:secret-one, a2:secret-two')).toEqual({
      ok: true,
      value: [
        { accessKey: 'a1', secretKey: 'secret-one' },
        { accessKey: 'a2', secretKey: 'secret-two' },
      ],
    });
    const bad = parseSigningKeys('nocolon,a b:secret-xx,a1:short,a1:long-enough');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.join('\n')).toMatch(/key 0.*\n.*key 1.*\n.*key 2: secret key.*\n.*key 3: access key a1 appears twice/s);
  });
});

describe('SecurityChecker', () => {
  const now = 1_700_000_000;
  const checker = new SecurityChecker({ adminToken: 'admin-token', signingKeys: [K1, K2], now: () => now });
  const url = 'http://127.0.0.1:8080/private/a.jpg';

  it('accepts a valid signature from either key (rotation)', () => {
    expect(() => checker.verifySignedUrl(signUrl(url, K1, now + 60))).not.toThrow();
    expect(() => checker.verifySignedUrl(signUrl(url + '?imageInfo', K2, now + 60))).not.toThrow();
  });

  it.each([
    ['missing', url, /carries no token/],
    ['expired', signUrl(url, K1, now - 1), /expired/],
    ['tampered path', signUrl(url, K1, now + 60).replace('a.jpg', 'b.jpg'), /bad signature/],
    ['tampered deadline', signUrl(url, K1, now + 60).replace(`e=${now + 60}`, `e=${now + 9999}`), /bad signature/],
    ['unknown key', signUrl(url, { accessKey: 'other', secretKey: 'whatever-1' }, now + 60), /unknown access key/],
    ['wrong secret', signUrl(url, { accessKey: 'ak2', secretKey: 'not-the-secret' }, now + 60), /bad signature/],
    ['no deadline', `${url}?token=ak2:abc`, /e=<deadline>/],
  ])('refuses %s URLs with 401', (_name, u, why) => {
    expect(() => checker.verifySignedUrl(u)).toThrow(why);
    try {
      checker.verifySignedUrl(u);
    } catch (err) {
      expect((err as { httpStatus?: number }).httpStatus).toBe(401);
    }
  });

  it('checks the admin bearer token', () => {
    expect(() => checker.checkAdmin('Bearer admin-token')).not.toThrow();
    expect(() => checker.checkAdmin(undefined)).toThrow(/missing bearer/);
    expect(() => checker.checkAdmin('Bearer nope')).toThrow(/bad bearer/);
    expect(() => new SecurityChecker({ adminToken: '', signingKeys: [] }).checkAdmin('Bearer x')).toThrow(/disabled/);
  });
});
