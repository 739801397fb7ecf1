import * as grpc from '@grpc/grpc-js';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { createMeshClient } from './index';
import { lazyClient } from './lazy-client';

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

describe('lazyClient', () => {
  it('makes the client once, at the first call', () => {
    let made = 0;
    const get = lazyClient(() => ({ n: ++made, close: () => undefined }));
    expect(made).toBe(0);
    expect(get()).toBe(get());
    expect(made).toBe(1);
  });

  it('connect() opens the connection before any call', async () => {
    const server = net.createServer((socket) => socket.destroy());
    const connected = new Promise<void>((resolve) => server.once('connection', () => resolve()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;

    const get = lazyClient(() => createMeshClient(StorageServiceClient, 'storage', { mode: 'direct', env: { MEDIAMESH_DIRECT_STORAGE: `127.0.0.1:${port}` } }));
    stops.push(() => get.close());
    expect(get.connect()).toBeUndefined();
    expect(get().getChannel().getConnectivityState(false)).not.toBe(grpc.connectivityState.IDLE);
    await connected;
  });

  it('connect() reports a client that cannot be made instead of throwing; a call then meets the same error', () => {
    const get = lazyClient(() => createMeshClient(StorageServiceClient, 'storage', { mode: 'direct', env: {} }));
    expect(get.connect()?.message).toMatch(/MEDIAMESH_DIRECT_STORAGE is not set/);
    expect(() => get()).toThrow(/MEDIAMESH_DIRECT_STORAGE is not set/);
    get.close();
  });
});
