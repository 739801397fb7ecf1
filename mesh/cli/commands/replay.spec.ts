import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDirForTest } from '../../../test/harness/temp-dir';
import { runCommand, UsageError } from '../command';
import { command, describeMismatch, isMismatch, replay } from './replay';

const rec = (over: object = {}) => ({ t: 0, method: 'GET', url: '/pub/a.jpg', headers: {}, auth: false, status: 200, size: 10, ...over });

describe('mediamesh replay', () => {
  afterEach(() => vi.restoreAllMocks());

  it('isMismatch compares status always and size only when both are known', () => {
    expect(isMismatch(rec(), { status: 200, size: 10 })).toBe(false);
    expect(isMismatch(rec(), { status: 404, size: 10 })).toBe(true);
    expect(isMismatch(rec(), { status: 200, size: 11 })).toBe(true);
    expect(isMismatch(rec({ size: undefined }), { status: 200, size: 11 })).toBe(false);
    expect(isMismatch(rec(), { status: 'network error: ECONNREFUSED' })).toBe(true);
  });

  it('describeMismatch shows recorded and replayed answers', () => {
    expect(describeMismatch({ line: rec(), status: 500, size: 3 })).toBe('  GET /pub/a.jpg: recorded 200 10 B, got 500 3 B');
  });

  it('skips lines it cannot replay faithfully (bodies are not recorded) without sending them', async () => {
    const send = vi.spyOn(globalThis, 'fetch');
    const report = await replay([rec({ method: 'PUT' }), rec({ method: 'DELETE' })], { target: 'http://127.0.0.1:1' });
    expect(report).toEqual({ sent: 0, skipped: 2, mismatches: [] });
    expect(send).not.toHaveBeenCalled();
  });

  it.each([
    [[], /recording file/],
    [['f.jsonl'], /--target is required/],
    [['f.jsonl', '--target', 'ftp://x'], /http\(s\) URL/],
    [['f.jsonl', '--target', 'http://x', '--rate', '0'], /--rate must be a positive number/],
    [['f.jsonl', '--target', 'http://x', '--rate', '5', '--speed', '2'], /not both/],
    [['/nonexistent/rec.jsonl', '--target', 'http://x'], /no such recording/],
  ])('refuses %j', async (args, why) => {
    await expect(runCommand(command, args)).rejects.toThrow(UsageError);
    await expect(runCommand(command, args)).rejects.toThrow(why);
  });

  it('exits 2 naming bad lines of the recording', async () => {
    const file = path.join(tempDirForTest('mm-replay-'), 'r.jsonl');
    fs.writeFileSync(file, '{"t":0}\n');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runCommand(command, [file, '--target', 'http://127.0.0.1:1'])).toBe(2);
    expect(String(err.mock.calls[0][0])).toMatch(/line 1: expected method/);
  });
});
