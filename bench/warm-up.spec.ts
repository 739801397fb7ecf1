import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { warmUpInTurn, warmUpRequests } from './warm-up';

describe('warmUpRequests', () => {
  it('reads BENCH_WARM_UP_REQUESTS, 15,000 by default', () => {
    expect(warmUpRequests({})).toBe(15_000);
    expect(warmUpRequests({ BENCH_WARM_UP_REQUESTS: '0' })).toBe(0);
    expect(warmUpRequests({ BENCH_WARM_UP_REQUESTS: '2500' })).toBe(2500);
  });

  it('refuses what is not a whole number of requests', () => {
    for (const bad of ['', '-1', '1e4', '10 ', 'many']) expect(() => warmUpRequests({ BENCH_WARM_UP_REQUESTS: bad })).toThrow(/BENCH_WARM_UP_REQUESTS/);
  });
});

describe('warmUpInTurn', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  /** serve answers every request with `status` after `delayMs`, and counts them in order. */
  async function serve(name: string, log: string[], delayMs: number, status = 200): Promise<string> {
    const server = http.createServer((_req, res) => {
      log.push(name);
      setTimeout(() => res.writeHead(status).end('ok'), delayMs);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('loads every target in turn until each has answered the requests asked for', async () => {
    const log: string[] = [];
    // a answers ~2.5 times as fast as b (~190 against ~75 a second): two windows reach the count for
    // a, about four for b, and a then waits for b.
    const [a, b] = [await serve('a', log, 10), await serve('b', log, 25)];
    const done = await warmUpInTurn([{ name: 'a', url: a }, { name: 'b', url: b }], 2, { requests: 300, windowS: 1 });
    expect(done.map((w) => w.name)).toEqual(['a', 'b']);
    for (const w of done) {
      expect(w.requests).toBeGreaterThanOrEqual(300);
      // Answered requests count; each window may also cut off up to `connections` (2) in flight.
      const received = log.filter((n) => n === w.name).length;
      expect(received).toBeGreaterThanOrEqual(w.requests);
      expect(received).toBeLessThanOrEqual(w.requests + 2 * w.seconds);
      expect(w.firstRps).toBeGreaterThan(0);
      expect(w.lastRps).toBeGreaterThan(0);
    }
    expect(done[1]!.seconds).toBeGreaterThan(done[0]!.seconds);
    // In turn: b's first window comes before a's last, not after all of a's.
    expect(done[0]!.seconds).toBeGreaterThanOrEqual(2);
    expect(log.indexOf('b')).toBeGreaterThan(0);
    expect(log.indexOf('b')).toBeLessThan(log.lastIndexOf('a'));
  });

  it('loads each target for at least one window, even with nothing to count', async () => {
    const log: string[] = [];
    const [w] = await warmUpInTurn([{ name: 'a', url: await serve('a', log, 1) }], 1, { requests: 0, windowS: 1 });
    expect(w!.seconds).toBe(1);
    expect(log.length).toBeGreaterThan(0);
  });

  it('fails on error answers rather than warming up an error path', async () => {
    const url = await serve('a', [], 1, 500);
    await expect(warmUpInTurn([{ name: 'broken', url }], 1, { requests: 10, windowS: 1 })).rejects.toThrow(/warm-up of broken: \d+ non-2xx/);
  });
});
