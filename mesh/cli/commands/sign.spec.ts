import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityChecker } from '../../../services/gateway/security-checker';
import { runCommand, UsageError } from '../command';
import { command } from './sign';

describe('mediamesh sign', () => {
  let out: string;
  beforeEach(() => {
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    process.env.MEDIAMESH_SIGNING_KEYS = 'MY_ACCESS_KEY:MY_SECRET_KEY,ak2:second-secret';
  });
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.MEDIAMESH_SIGNING_KEYS;
  });

  const lastLine = () => out.trimEnd().split('\n').pop()!;

  it('prints the Qiniu-signed URL as its last line', async () => {
    expect(await runCommand(command, ['http://developer.qiniu.com/resource/flower.jpg', '--deadline', '1451491200'])).toBe(0);
    expect(lastLine()).toBe('http://developer.qiniu.com/resource/flower.jpg?e=1451491200&token=MY_ACCESS_KEY:v24Hqj-H6oM96pmWC-QgDm5JLbk=');
  });

  it('signs with the chosen key and a TTL the gateway accepts', async () => {
    expect(await runCommand(command, ['http://127.0.0.1:8080/private/sample.jpg?imageView2/2/w/200', '--ttl', '60', '--key', 'ak2'])).toBe(0);
    const url = lastLine();
    expect(url).toMatch(/\?imageView2\/2\/w\/200&e=\d+&token=ak2:/);
    const checker = new SecurityChecker({ adminToken: '', signingKeys: [{ accessKey: 'ak2', secretKey: 'second-secret' }] });
    expect(() => checker.verifySignedUrl(url)).not.toThrow();
  });

  it.each([
    [[], /URL is required/],
    [['not-a-url'], /http\(s\) URL/],
    [['http://h/k', '--ttl', '-5'], /--ttl/],
    [['http://h/k', '--ttl', '5', '--deadline', '9'], /not both/],
    [['http://h/k', '--key', 'nope'], /not in MEDIAMESH_SIGNING_KEYS/],
    [['http://h/k?e=1&token=a:b'], /already signed/],
  ])('refuses %j', async (args, why) => {
    await expect(runCommand(command, args as string[])).rejects.toThrow(UsageError);
    await expect(runCommand(command, args as string[])).rejects.toThrow(why);
  });
});
