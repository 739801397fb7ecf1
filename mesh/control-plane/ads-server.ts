/**
 * AdsServer: State-of-the-world Aggregated Discovery Service over gRPC
 * (envoy.service.discovery.v3.AggregatedDiscoveryService). Per stream and type it keeps
 * the subscription, nonce, version and ACK/NACK (StreamState); it asks the cache through
 * createWatch only, and it never re-sends a NACKed version (see snapshot-cache.ts).
 * Rules from the xDS protocol and grpc-js-xds behaviour (notes/xds.md):
 *  - a request quoting a nonce other than the last one sent for its type is stale: ignored;
 *  - a changed resource_names list is answered even when it carries the latest nonce;
 *  - Envoy re-asking for endpoints with an already answered nonce (cluster warming) is answered;
 *  - make-before-break for Envoy: a listener or route response waits until the stream has
 *    answered its cluster and endpoint responses and subscribed to every EDS cluster sent
 *    (routes are not warmed in Envoy: a route must never name a cluster still warming).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createLogger, type Logger } from '../../core/log';
import { envoyProtoDirs, TYPE_URL } from '../envoy-api';
import { withDefaults, type XdsServerHooks } from './hooks';
import type { SnapshotCache, WatchResponse } from './snapshot-cache';
import { nodeInfoOf, type NodeInfo, type StreamState, type TypeState } from './stream-state';
import type { NodeGroup } from './types';

const TRACER = 'xds-server';
const SERVED_TYPES = new Set<string>([TYPE_URL.listener, TYPE_URL.route, TYPE_URL.cluster, TYPE_URL.endpoint]);

interface DiscoveryRequest {
  version_info: string;
  node: Record<string, unknown> | null;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail: { code: number; message: string } | null;
}

export interface AdsServerOptions {
  readonly cache: SnapshotCache;
  /** Maps a node to its group (and makes sure the group has a snapshot coming). */
  resolveGroup(node: NodeInfo): NodeGroup;
  readonly hooks?: XdsServerHooks;
  readonly log?: Logger;
}

export interface AdsServer {
  /** addTo registers the ADS service on a grpc-js server. */
  addTo(server: grpc.Server): void;
  /** streams lists the open streams (status page). */
  streams(): StreamState[];
  /** closeAll ends every stream (shutdown, tests). */
  closeAll(): void;
}

let adsService: grpc.ServiceDefinition | undefined;

/** adsServiceDefinition loads the ADS service from Envoy's protos once. */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  if (adsService) return adsService;
  const def = protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', {
    includeDirs: envoyProtoDirs(),
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: grpc.ServiceClientConstructor } } } };
  };
  adsService = pkg.envoy.service.discovery.v3.AggregatedDiscoveryService.service;
  return adsService;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** createAdsServer makes the ADS service over a cache. */
export function createAdsServer(opts: AdsServerOptions): AdsServer {
  const hooks = withDefaults(opts.hooks);
  const log = opts.log ?? createLogger({ component: TRACER });
  const streams = new Map<number, { state: StreamState; call: grpc.ServerDuplexStream<DiscoveryRequest, unknown> }>();
  let nextId = 1;

  const clustersReady = (st: StreamState): boolean => {
    const cds = st.types.get(TYPE_URL.cluster);
    const eds = st.types.get(TYPE_URL.endpoint);
    if (!cds || !cds.answered || (eds && !eds.answered)) return false;
    for (const c of cds.sentResources ?? []) {
      if (c.object.type !== 'EDS') continue;
      const name = (c.object.eds_cluster_config as { service_name?: string } | undefined)?.service_name ?? c.name;
      if (!eds || !eds.names.has(name)) return false;
    }
    return true;
  };

  const releaseDeferred = (st: StreamState) => {
    if (st.group?.role !== 'envoy' || !clustersReady(st)) return;
    for (const typeUrl of [TYPE_URL.listener, TYPE_URL.route]) {
      const t = st.types.get(typeUrl);
      const send = t?.deferred;
      if (!t || !send) continue;
      t.deferred = undefined;
      send();
    }
  };

  const respond = (st: StreamState, call: grpc.ServerDuplexStream<DiscoveryRequest, unknown>, typeUrl: string, t: TypeState, r: WatchResponse) => {
    if (!streams.has(st.id)) return;
    if (st.group?.role === 'envoy' && (typeUrl === TYPE_URL.listener || typeUrl === TYPE_URL.route) && !clustersReady(st)) {
      t.cancel = undefined;
      t.deferred = () => respond(st, call, typeUrl, t, r);
      return;
    }
    const nonce = String(++st.nonce);
    t.lastNonce = nonce;
    t.sentVersion = r.version;
    t.sent = new Map(r.resources.map((x) => [x.name, x.hash]));
    t.sentResources = r.resources;
    t.answered = false;
    t.cancel = undefined;
    call.write({ version_info: r.version, resources: r.resources.map((x) => x.any), type_url: typeUrl, nonce });
    hooks.onStreamResponse(st.id, typeUrl, r.version, nonce, r.resources.length);
  };

  const onRequest = (st: StreamState, call: grpc.ServerDuplexStream<DiscoveryRequest, unknown>, req: DiscoveryRequest) => {
    if (!st.node) {
      if (!req.node || !req.node.id) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'the first DiscoveryRequest must carry node.id' });
        return;
      }
      st.node = nodeInfoOf(req.node);
      hooks.onStreamOpen(st.id, st.node);
      st.group = opts.resolveGroup(st.node);
      log.info('stream opened', { stream: st.id, node: st.node.id, group: st.group.key, peer: st.peer });
    }
    const typeUrl = req.type_url;
    if (!SERVED_TYPES.has(typeUrl)) {
      log.warn('unsupported type requested', { stream: st.id, node: st.node.id, typeUrl });
      return;
    }
    hooks.onStreamRequest(st.id, typeUrl, req.resource_names, req.response_nonce);
    let t = st.types.get(typeUrl);
    if (!t) st.types.set(typeUrl, (t = { names: new Set(), wildcard: false, answered: true }));
    const nonce = req.response_nonce;
    if (nonce && nonce !== t.lastNonce) return; // stale: an answer to a response already superseded
    let force = !nonce; // first request for the type on this stream (or a reconnect)
    if (nonce && !t.answered) {
      t.answered = true;
      if (req.error_detail) {
        // Match the NACK by nonce: C-core reports the last accepted version, not the rejected one.
        t.nackedVersion = t.sentVersion;
        t.error = req.error_detail.message;
        log.warn('NACK', { stream: st.id, node: st.node.id, typeUrl, version: t.sentVersion, error: t.error });
      } else {
        t.ackedVersion = t.sentVersion;
        t.nackedVersion = undefined;
        t.error = undefined;
      }
      hooks.onAckNack(st.id, st.node, typeUrl, t.sentVersion ?? '', t.error);
    } else if (nonce && st.group?.role === 'envoy' && typeUrl === TYPE_URL.endpoint) {
      force = true; // Envoy warming a cluster re-asks for its endpoints and waits for an answer
    }
    const names = new Set(req.resource_names);
    const wildcard = names.size === 0 && st.group?.role === 'envoy' && (typeUrl === TYPE_URL.listener || typeUrl === TYPE_URL.cluster);
    if (!sameSet(names, t.names) || wildcard !== t.wildcard) force = true;
    t.names = names;
    t.wildcard = wildcard;
    t.cancel?.();
    t.cancel = undefined;
    t.deferred = undefined; // a newer request supersedes a held-back response
    if (names.size === 0 && !wildcard) return releaseDeferred(st); // unsubscribed from the type
    const typeState = t;
    t.cancel = opts.cache.createWatch({ groupKey: st.group!.key, typeUrl }, { names, wildcard, sent: t.sent, force }, (r) =>
      respond(st, call, typeUrl, typeState, r),
    );
    releaseDeferred(st);
  };

  const handle = (call: grpc.ServerDuplexStream<DiscoveryRequest, unknown>) => {
    const state: StreamState = { id: nextId++, peer: call.getPeer(), openedAt: Date.now(), nonce: 0, types: new Map() };
    streams.set(state.id, { state, call });
    const close = () => {
      if (!streams.delete(state.id)) return;
      for (const t of state.types.values()) t.cancel?.();
      hooks.onStreamClosed(state.id, state.node);
      log.info('stream closed', { stream: state.id, node: state.node?.id });
    };
    call.on('data', (req: DiscoveryRequest) => {
      try {
        onRequest(state, call, req);
      } catch (err) {
        log.warn('stream refused', { stream: state.id, error: String(err) });
        call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: err instanceof Error ? err.message : String(err) });
        close();
      }
    });
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('error', close);
    call.on('cancelled', close);
    call.on('close', close);
  };

  return {
    addTo(server) {
      server.addService(adsServiceDefinition(), {
        StreamAggregatedResources: handle,
        DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) =>
          call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'delta xDS is not served: use api_type GRPC (state of the world)' }),
      });
    },
    streams: () => [...streams.values()].map((s) => s.state),
    closeAll() {
      for (const { call } of [...streams.values()]) call.end();
    },
  };
}
