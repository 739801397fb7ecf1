/** Ports: free ones for tests, checks for fixed ones, waiting for a listener. */
import * as fs from 'node:fs';
import * as net from 'node:net';

/**
 * ephemeralRange: the ports the kernel hands out by itself, as the source port of every outgoing
 * connection and to every bind to port 0 (Linux's ip_local_port_range; IANA's range elsewhere).
 */
export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/** Lowest port freePort picks (above the registered services most machines run). */
const LOWEST = 10_000;
const handedOut = new Set<number>();

/**
 * freePort finds a free TCP port on 127.0.0.1 for a process started later, outside the kernel's
 * ephemeral range. A port the kernel picked (bind to 0) and that was then released is reserved
 * for nobody: until its listener starts (a sidecar and an app start first, seconds on a loaded
 * machine), any outgoing connection of any process may take it as its source port, and the
 * listener's bind fails ("No address added", seen in a chaos run on a shared machine). Outside
 * that range only a process binding that very port can. The same port is never given twice by
 * this process; bind to 0 is the fallback when no candidate binds.
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  const highest = lo - 1;
  if (highest - LOWEST >= 1000)
    for (let tries = 0; tries < 64; tries++) {
      const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
      if (handedOut.has(port) || !(await bindable(port))) continue;
      handedOut.add(port);
      return port;
    }
  const port = await kernelPort();
  handedOut.add(port);
  return port;
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** bindable tells whether a listener could bind 127.0.0.1:port now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** portInUse tells whether something already listens on host:port (binding it fails with EADDRINUSE). */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/** waitForPort resolves once something accepts TCP connections on host:port. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ port, host });
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
