/**
 * lazyClient: a client of another mesh service, made at its first call or earlier by
 * connect(). A service that calls another one (image and video read from storage) connects
 * at start, before it registers, so that no request pays for what a first call costs in
 * proxyless mode: loading the xDS client (`require('@grpc/grpc-js-xds')` loads the Envoy API
 * protos: ~0.9 s of synchronous CPU, 1.5–4 s on a loaded 2-core machine, during which the process
 * serves nothing), then fetching the service's listener, routes, clusters and endpoints and
 * opening connections.
 *
 * It matters most for a standby. With zone preference a zone-b instance gets no traffic while
 * zone-a is healthy, so its first request used to come exactly when zone-a failed: chaos runs
 * saw the surviving image and video instances stall 1.5–2.5 s (event loop blocked, ~0.9 s of
 * CPU) in the zone outage's first second, and every request they held waited.
 */
import type * as grpc from '@grpc/grpc-js';

/** LazyClient gives the client, made once. */
export interface LazyClient<T> {
  (): T;
  /**
   * connect makes the client now and starts its channel connecting (without waiting for it).
   * Returns why it could not (no address for the service in direct mode, …); the first call
   * will then report it, as it would have without connect().
   */
  connect(): Error | undefined;
  /** close closes the client if it was made. */
  close(): void;
}

/** lazyClient wraps a dial function (createMeshClient, or a test's fake). */
export function lazyClient<T extends { close(): void }>(dial: () => T): LazyClient<T> {
  let client: T | undefined;
  const get = () => (client ??= dial());
  return Object.assign(get, {
    connect(): Error | undefined {
      try {
        // getConnectivityState(true) leaves IDLE: the resolver starts (xDS watches) and the
        // load balancer connects to the endpoints it would pick from.
        (get() as Partial<Pick<grpc.Client, 'getChannel'>>).getChannel?.().getConnectivityState(true);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    },
    close: () => client?.close(),
  });
}
