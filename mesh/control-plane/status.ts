/**
 * Status of the control plane, as JSON (the `/status` page and `mediamesh status`): every
 * connected node with, per xDS type, the version it holds and whether it ACKED, NACKED
 * (with the client's error) or is STALE (a response awaits its answer); plus the current
 * version of each group's snapshot, publication problems and rejected policies.
 * configDump gives the resources last sent to one node, decoded (like Envoy's /config_dump).
 */
import type { AdsServer } from './ads-server';
import type { ControlPlane } from './control-plane';
import { TYPE_URL } from '../envoy-api';
import { typeStatus } from './stream-state';

export const SHORT_TYPE: Record<string, string> = {
  [TYPE_URL.listener]: 'LDS',
  [TYPE_URL.route]: 'RDS',
  [TYPE_URL.cluster]: 'CDS',
  [TYPE_URL.endpoint]: 'EDS',
};

export interface StatusSources {
  readonly ads: AdsServer;
  readonly controlPlane: ControlPlane;
  /** Services whose stored policy is invalid (not applied), with the errors. */
  readonly policyErrors: () => Record<string, string[]>;
  readonly startedAt: number;
}

/** statusOf builds the /status document. */
export function statusOf(src: StatusSources): Record<string, unknown> {
  const cp = src.controlPlane;
  const groups = cp.groups().map((g) => {
    const snap = cp.cache.getSnapshot(g.key);
    const versions: Record<string, string> = {};
    for (const [typeUrl, tr] of snap ?? []) versions[SHORT_TYPE[typeUrl] ?? typeUrl] = tr.version;
    return { key: g.key, role: g.role, zone: g.zone, versions, resources: Object.fromEntries([...(snap ?? [])].map(([t, tr]) => [SHORT_TYPE[t] ?? t, tr.resources.size])) };
  });
  const nodes = src.ads.streams().map((st) => {
    const current = st.group ? cp.cache.getSnapshot(st.group.key) : undefined;
    const types: Record<string, unknown> = {};
    for (const [typeUrl, t] of st.types) {
      types[SHORT_TYPE[typeUrl] ?? typeUrl] = {
        status: typeStatus(t),
        version: t.sentVersion ?? null,
        ackedVersion: t.ackedVersion ?? null,
        latestVersion: current?.get(typeUrl)?.version ?? null,
        ...(t.error ? { error: t.error } : {}),
        subscribed: t.wildcard ? '*' : [...t.names],
      };
    }
    return {
      nodeId: st.node?.id ?? null,
      stream: st.id,
      peer: st.peer,
      role: st.group?.role ?? null,
      zone: st.node?.zone ?? null,
      group: st.group?.key ?? null,
      userAgent: st.node?.userAgent ?? null,
      connectedAt: new Date(st.openedAt).toISOString(),
      types,
    };
  });
  // waitingFor: what the control plane has not read yet; nothing is served until it is empty.
  return { startedAt: new Date(src.startedAt).toISOString(), waitingFor: cp.waitingFor(), nodes, groups, problems: cp.problems(), policyErrors: src.policyErrors() };
}

/** configDump returns what each stream of node `nodeId` last received, decoded. */
export function configDump(src: StatusSources, nodeId: string): Record<string, unknown> | undefined {
  const streams = src.ads.streams().filter((s) => s.node?.id === nodeId);
  if (!streams.length) return undefined;
  return {
    nodeId,
    streams: streams.map((st) => ({
      stream: st.id,
      group: st.group?.key,
      configs: Object.fromEntries(
        [...st.types].map(([typeUrl, t]) => [SHORT_TYPE[typeUrl] ?? typeUrl, { version: t.sentVersion ?? null, status: typeStatus(t), resources: (t.sentResources ?? []).map((r) => r.object) }]),
      ),
    })),
  };
}
