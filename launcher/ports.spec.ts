import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralRange, freePort } from './ports';

describe('freePort', () => {
  it('gives distinct bindable ports outside the kernel’s ephemeral range (where no outgoing connection can take them first)', async () => {
    const [lo, hi] = ephemeralRange();
    const ports = await Promise.all(Array.from({ length: 100 }, () => freePort()));
    expect(new Set(ports).size).toBe(100);
    for (const port of ports) expect(port < lo || port > hi, `${port} in ${lo}-${hi}`).toBe(true);
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => srv.close(resolve));
  });
});
