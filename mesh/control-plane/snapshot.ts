/**
 * Snapshot: every resource of one node group, by type, each type with its own version.
 * consistent() runs before a snapshot is published: every cluster a route names, every
 * route configuration a listener names and every EDS cluster's assignment must exist.
 */
import { createHash } from 'node:crypto';
import { pack, TYPE_URL } from '../envoy-api';
import type { Resource, ValidationResult } from './types';

/** RESPONSE_ORDER is make-before-break: clusters, then endpoints, then listeners, then routes. */
export const RESPONSE_ORDER = [TYPE_URL.cluster, TYPE_URL.endpoint, TYPE_URL.listener, TYPE_URL.route] as const;

/** TypeResources is one type's resources and its version. */
export interface TypeResources {
  readonly version: string;
  readonly resources: ReadonlyMap<string, Resource>;
}

export type Snapshot = ReadonlyMap<string, TypeResources>;

/** makeResource encodes one resource and hashes its bytes. */
export function makeResource(typeUrl: string, name: string, object: Record<string, unknown>): Resource {
  const any = pack(typeUrl, object);
  return { name, any, object, hash: createHash('sha1').update(any.value).digest('base64') };
}

function names(snap: Snapshot, typeUrl: string): ReadonlySet<string> {
  return new Set(snap.get(typeUrl)?.resources.keys() ?? []);
}

function routeClusters(route: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const vh of (route.virtual_hosts as Array<Record<string, unknown>>) ?? [])
    for (const r of (vh.routes as Array<Record<string, unknown>>) ?? []) {
      const action = r.route as Record<string, unknown> | undefined;
      if (!action) continue;
      if (typeof action.cluster === 'string') out.push(action.cluster);
      const wc = action.weighted_clusters as { clusters: Array<{ name: string }> } | undefined;
      for (const c of wc?.clusters ?? []) out.push(c.name);
    }
  return out;
}

function listenerRoutes(listener: Record<string, unknown>): string[] {
  const hcms: Array<Record<string, unknown>> = [];
  const api = (listener.api_listener as Record<string, unknown> | undefined)?.api_listener as Record<string, unknown> | undefined;
  if (api) hcms.push(api);
  for (const fc of (listener.filter_chains as Array<Record<string, unknown>>) ?? [])
    for (const f of (fc.filters as Array<Record<string, unknown>>) ?? []) if (f.typed_config) hcms.push(f.typed_config as Record<string, unknown>);
  return hcms.map((h) => (h.rds as { route_config_name?: string } | undefined)?.route_config_name).filter((n): n is string => !!n);
}

/** consistent checks the references inside a snapshot; errors name the dangling reference. */
export function consistent(snap: Snapshot): ValidationResult<Snapshot> {
  const errors: string[] = [];
  const clusters = names(snap, TYPE_URL.cluster);
  const routes = names(snap, TYPE_URL.route);
  const endpoints = names(snap, TYPE_URL.endpoint);
  for (const l of snap.get(TYPE_URL.listener)?.resources.values() ?? [])
    for (const r of listenerRoutes(l.object)) if (!routes.has(r)) errors.push(`listener ${l.name}: route configuration ${r} does not exist`);
  for (const r of snap.get(TYPE_URL.route)?.resources.values() ?? [])
    for (const c of routeClusters(r.object)) if (!clusters.has(c)) errors.push(`route configuration ${r.name}: cluster ${c} does not exist`);
  for (const c of snap.get(TYPE_URL.cluster)?.resources.values() ?? []) {
    if (c.object.type !== 'EDS') continue;
    const svc = (c.object.eds_cluster_config as { service_name?: string } | undefined)?.service_name ?? c.name;
    if (!endpoints.has(svc)) errors.push(`cluster ${c.name}: load assignment ${svc} does not exist`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: snap };
}
