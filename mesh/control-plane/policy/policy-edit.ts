/**
 * Policy edits the CLI makes (canary, route, fault): pure functions from a policy to the
 * next one, plus editPolicy — a read-modify-write on ZooKeeper that validates the result
 * and retries when someone else wrote in between (znode version check).
 */
import { isZkError } from '../../registry';
import type { ZkSession } from '../../registry';
import { readPolicy, writePolicy } from './policy-store';
import type { FaultPolicy, ServicePolicy, SubsetPolicy } from './types';

/** parseWeights reads "v1=90,v2=10". */
export function parseWeights(text: string): SubsetPolicy[] {
  return text.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9._-]+)\s*=\s*(\d{1,3})\s*$/.exec(part);
    if (!m) throw new Error(`--weights: expected version=weight[,version=weight…] such as v1=90,v2=10, got ${JSON.stringify(part)}`);
    return { version: m[1], weight: Number(m[2]) };
  });
}

/** firstOther: the stable version is listed first by convention (v1=90,v2=10). */
const firstOther = (subsets: readonly SubsetPolicy[] | undefined, except?: string): string | undefined => subsets?.find((s) => s.version !== except)?.version;
const sole = (p: ServicePolicy): string | undefined => (p.subsets?.length === 1 && p.subsets[0].weight === 100 ? p.subsets[0].version : undefined);

/**
 * withWeights sets the canary split and remembers the stable version to roll back to:
 * the version that had all the traffic, else the one already remembered, else the first
 * of the split (v1 in v1=90,v2=10).
 */
export function withWeights(p: ServicePolicy, subsets: SubsetPolicy[]): ServicePolicy {
  const rollbackVersion = sole(p) ?? p.rollbackVersion ?? firstOther(subsets);
  return { ...p, subsets, ...(rollbackVersion ? { rollbackVersion } : {}) };
}

/** promote sends all traffic to one version; the stable one before it stays the rollback target. */
export function promote(p: ServicePolicy, version: string): ServicePolicy {
  const current = sole(p);
  const rollbackVersion = (current !== version ? current : undefined) ?? p.rollbackVersion ?? firstOther(p.subsets, version);
  return { ...p, subsets: [{ version, weight: 100 }], ...(rollbackVersion ? { rollbackVersion } : {}) };
}

/** rollback sends all traffic back to the remembered stable version (also after a promote). */
export function rollback(p: ServicePolicy): ServicePolicy {
  const stable = p.rollbackVersion ?? p.subsets?.[0]?.version;
  if (!stable) throw new Error('no canary to roll back (start one with --weights)');
  return { ...p, subsets: [{ version: stable, weight: 100 }], rollbackVersion: stable };
}

/** withHeaderRoute adds (or replaces, for the same header and value) a header route. */
export function withHeaderRoute(p: ServicePolicy, header: string, exact: string | undefined, version: string): ServicePolicy {
  const others = (p.headerRoutes ?? []).filter((r) => !(r.header === header && r.exact === exact));
  return { ...p, headerRoutes: [...others, exact === undefined ? { header, version } : { header, exact, version }] };
}

/** withoutHeaderRoutes removes every header route. */
export function withoutHeaderRoutes(p: ServicePolicy): ServicePolicy {
  const { headerRoutes: _h, ...rest } = p;
  return rest;
}

/** withFault sets (or with undefined clears) the fault. */
export function withFault(p: ServicePolicy, fault: FaultPolicy | undefined): ServicePolicy {
  const { fault: _f, ...rest } = p;
  return fault ? { ...rest, fault } : rest;
}

/** editPolicy applies edit to the stored policy (empty when none) and writes the result. */
export async function editPolicy(session: ZkSession, base: string, service: string, edit: (p: ServicePolicy) => ServicePolicy): Promise<ServicePolicy> {
  for (let attempt = 1; ; attempt++) {
    const current = await readPolicy(session, base, service);
    const next = edit(current?.policy ?? {});
    try {
      return await writePolicy(session, base, service, next, current?.version);
    } catch (err) {
      if (attempt < 5 && isZkError(err) && (err.code === 'BAD_VERSION' || err.code === 'NODE_EXISTS')) continue;
      throw err;
    }
  }
}
