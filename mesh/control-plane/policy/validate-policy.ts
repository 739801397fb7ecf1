/**
 * validatePolicy checks a ServicePolicy parsed from JSON/YAML and collects every problem
 * with its field path (`subsets[1].weight: …`). An invalid policy never reaches the data
 * plane: the policy store keeps the last good one.
 */
import type { ValidationResult } from '../types';
import { RETRY_CODES, type ServicePolicy } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KNOWN = ['lb', 'subsets', 'headerRoutes', 'retry', 'timeoutMs', 'fault', 'outlierDetection', 'circuitBreaker', 'zonePreference', 'crossZonePercent', 'rollbackVersion'];

/** Checker accumulates errors under field paths. */
class Checker {
  readonly errors: string[] = [];
  fail(path: string, msg: string): void {
    this.errors.push(`${path}: ${msg}`);
  }
  unknown(o: Obj, path: string, known: string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.fail(path ? `${path}.${k}` : k, `unknown field (known: ${known.join(', ')})`);
  }
  num(o: Obj, key: string, path: string, min: number, max: number, required = false, integer = true): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${path}${key}`, 'required');
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) this.fail(`${path}${key}`, `must be ${integer ? 'an integer' : 'a number'}`);
    else if (v < min || v > max) this.fail(`${path}${key}`, `must be between ${min} and ${max} (got ${v})`);
  }
  str(o: Obj, key: string, path: string, required = false, pattern = /^[A-Za-z0-9._-]+$/): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${path}${key}`, 'required');
      return;
    }
    if (typeof v !== 'string' || !pattern.test(v)) this.fail(`${path}${key}`, `must be a string matching ${pattern}`);
  }
  obj(o: Obj, key: string, path: string, check: (v: Obj, p: string) => void): void {
    const v = o[key];
    if (v === undefined) return;
    if (!isObj(v)) return this.fail(`${path}${key}`, 'must be an object');
    check(v, `${path}${key}.`);
  }
}

const DAY_MS = 86_400_000;

/** validatePolicy returns the typed policy or every error found. */
export function validatePolicy(input: unknown): ValidationResult<ServicePolicy> {
  const c = new Checker();
  if (!isObj(input)) return { ok: false, errors: ['policy: must be a JSON object'] };
  c.unknown(input, '', KNOWN);
  c.obj(input, 'lb', '', (lb, p) => {
    c.unknown(lb, p.slice(0, -1), ['policy', 'hashHeader']);
    if (lb.policy !== 'round_robin' && lb.policy !== 'ring_hash') c.fail(`${p}policy`, 'must be round_robin or ring_hash');
    if (lb.policy === 'ring_hash' && lb.hashHeader === undefined) c.fail(`${p}hashHeader`, 'required for ring_hash (the header whose value picks the instance)');
    c.str(lb, 'hashHeader', p, false, /^[a-z0-9-]+$/);
  });
  const versions = new Set<string>();
  if (input.subsets !== undefined) {
    if (!Array.isArray(input.subsets)) c.fail('subsets', 'must be a list of {version, weight}');
    else {
      let sum = 0;
      input.subsets.forEach((s, i) => {
        const p = `subsets[${i}].`;
        if (!isObj(s)) return c.fail(`subsets[${i}]`, 'must be an object {version, weight}');
        c.unknown(s, `subsets[${i}]`, ['version', 'weight']);
        c.str(s, 'version', p, true);
        c.num(s, 'weight', p, 0, 100, true);
        if (typeof s.version === 'string') {
          if (versions.has(s.version)) c.fail(`${p}version`, `duplicate version ${s.version}`);
          versions.add(s.version);
        }
        if (typeof s.weight === 'number') sum += s.weight;
      });
      if (input.subsets.length > 0 && sum !== 100) c.fail('subsets', `weights must sum to 100 (got ${sum})`);
    }
  }
  if (input.headerRoutes !== undefined) {
    if (!Array.isArray(input.headerRoutes)) c.fail('headerRoutes', 'must be a list of {header, exact?, version}');
    else
      input.headerRoutes.forEach((r, i) => {
        const p = `headerRoutes[${i}].`;
        if (!isObj(r)) return c.fail(`headerRoutes[${i}]`, 'must be an object');
        c.unknown(r, `headerRoutes[${i}]`, ['header', 'exact', 'version']);
        c.str(r, 'header', p, true, /^[a-z0-9-]+$/);
        if (typeof r.header === 'string' && (r.header.startsWith('grpc-') || r.header.startsWith(':'))) c.fail(`${p}header`, 'reserved header');
        if (r.exact !== undefined && typeof r.exact !== 'string') c.fail(`${p}exact`, 'must be a string');
        c.str(r, 'version', p, true);
      });
  }
  c.obj(input, 'retry', '', (r, p) => {
    c.unknown(r, 'retry', ['on', 'attempts', 'backoffBaseMs', 'backoffMaxMs', 'perTryTimeoutMs']);
    if (!Array.isArray(r.on) || r.on.length === 0) c.fail(`${p}on`, `must be a non-empty list of ${RETRY_CODES.join(', ')}`);
    else r.on.forEach((code, i) => (RETRY_CODES as readonly unknown[]).includes(code) || c.fail(`${p}on[${i}]`, `unknown code ${String(code)} (use ${RETRY_CODES.join(', ')})`));
    c.num(r, 'attempts', p, 1, 10, true);
    c.num(r, 'backoffBaseMs', p, 1, 60_000);
    c.num(r, 'backoffMaxMs', p, 1, 600_000);
    c.num(r, 'perTryTimeoutMs', p, 1, DAY_MS);
    if (typeof r.backoffBaseMs === 'number' && typeof r.backoffMaxMs === 'number' && r.backoffMaxMs < r.backoffBaseMs) c.fail(`${p}backoffMaxMs`, 'must be >= backoffBaseMs');
  });
  c.num(input, 'timeoutMs', '', 1, DAY_MS);
  c.obj(input, 'fault', '', (f, p) => {
    c.unknown(f, 'fault', ['delay', 'abort', 'expiresAt']);
    c.obj(f, 'delay', p, (d, dp) => {
      c.unknown(d, `${p}delay`, ['ms', 'percent']);
      c.num(d, 'ms', dp, 1, 600_000, true);
      c.num(d, 'percent', dp, 0, 100, true, false);
    });
    c.obj(f, 'abort', p, (a, ap) => {
      c.unknown(a, `${p}abort`, ['grpcStatus', 'percent']);
      c.num(a, 'grpcStatus', ap, 1, 16, true);
      c.num(a, 'percent', ap, 0, 100, true, false);
    });
    if (f.delay === undefined && f.abort === undefined) c.fail('fault', 'needs delay and/or abort');
    if (f.expiresAt !== undefined && (typeof f.expiresAt !== 'string' || Number.isNaN(Date.parse(f.expiresAt)))) c.fail(`${p}expiresAt`, 'must be an ISO date-time');
  });
  c.obj(input, 'outlierDetection', '', (o, p) => {
    c.unknown(o, 'outlierDetection', ['intervalMs', 'baseEjectionMs', 'maxEjectionPercent', 'failurePercentThreshold', 'minimumHosts', 'requestVolume']);
    c.num(o, 'intervalMs', p, 10, 3_600_000);
    c.num(o, 'baseEjectionMs', p, 10, 3_600_000);
    c.num(o, 'maxEjectionPercent', p, 0, 100);
    c.num(o, 'failurePercentThreshold', p, 0, 100);
    c.num(o, 'minimumHosts', p, 1, 10_000);
    c.num(o, 'requestVolume', p, 1, 1_000_000);
  });
  c.obj(input, 'circuitBreaker', '', (b, p) => {
    c.unknown(b, 'circuitBreaker', ['maxRequests', 'maxPendingRequests']);
    c.num(b, 'maxRequests', p, 1, 1_000_000, true);
    c.num(b, 'maxPendingRequests', p, 1, 1_000_000);
  });
  if (input.zonePreference !== undefined && typeof input.zonePreference !== 'boolean') c.fail('zonePreference', 'must be true or false');
  c.num(input, 'crossZonePercent', '', 0, 50, false, false);
  if (input.crossZonePercent !== undefined && input.zonePreference !== true) c.fail('crossZonePercent', 'needs zonePreference: true (without it every zone gets calls alike)');
  c.str(input, 'rollbackVersion', '');
  return c.errors.length ? { ok: false, errors: c.errors } : { ok: true, value: input as ServicePolicy };
}
