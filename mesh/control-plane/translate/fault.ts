/**
 * Fault injection (HTTPFault) for a service: the per-virtual-host config of the fault filter,
 * and the expiry rule — an expired fault is simply not emitted (the control plane schedules
 * a rebuild at the expiry time).
 */
import { createHash } from 'node:crypto';
import { TYPE_URL } from '../../envoy-api';
import type { FaultPolicy } from '../policy/types';
import type { ServiceState } from '../types';
import { duration } from './names';

function percentage(p: number): Record<string, unknown> {
  return { numerator: Math.round(p * 10_000), denominator: 'MILLION' };
}

/** activeFault returns the fault unless it has expired. */
export function activeFault(f: FaultPolicy | undefined, now: number): FaultPolicy | undefined {
  if (!f) return undefined;
  if (f.expiresAt && Date.parse(f.expiresAt) <= now) return undefined;
  return f;
}

/** faultConfig is the HTTPFault override for a virtual host. */
export function faultConfig(f: FaultPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = { '@type': TYPE_URL.fault };
  if (f.delay) out.delay = { fixed_delay: duration(f.delay.ms), percentage: percentage(f.delay.percent) };
  if (f.abort) out.abort = { grpc_status: f.abort.grpcStatus, percentage: percentage(f.abort.percent) };
  return out;
}


/**
 * routeConfigName is a proxyless service's RouteConfiguration name. grpc-js-xds 1.14.1 ACKs
 * but does not apply a fault filter override that arrives as an update of the same route
 * configuration (like notes/xds.md gotcha 5 for listeners), so while a fault is active the
 * name carries a hash of it: the listener then points at a new route configuration.
 */
export function routeConfigName(svc: ServiceState, now: number): string {
  const fault = activeFault(svc.policy.fault, now);
  if (!fault) return svc.name;
  const h = createHash('sha1').update(JSON.stringify({ d: fault.delay, a: fault.abort })).digest('hex').slice(0, 8);
  return `${svc.name}/fault-${h}`;
}
