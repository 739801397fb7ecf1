import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { loadPolicyFile } from './policy-file';
import { validatePolicy } from './validate-policy';

describe('validatePolicy', () => {
  it('accepts an empty policy and a full one', () => {
    expect(validatePolicy({}).ok).toBe(true);
    const full = {
      lb: { policy: 'ring_hash', hashHeader: 'x-user' },
      subsets: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }],
      headerRoutes: [{ header: 'x-canary', exact: 'yes', version: 'v2' }],
      retry: { on: ['unavailable'], attempts: 2, backoffBaseMs: 10, backoffMaxMs: 100, perTryTimeoutMs: 300 },
      timeoutMs: 1000,
      fault: { delay: { ms: 10, percent: 0.5 }, expiresAt: '2030-01-01T00:00:00Z' },
      outlierDetection: { failurePercentThreshold: 50 },
      circuitBreaker: { maxRequests: 10, maxPendingRequests: 5 },
      zonePreference: true,
      crossZonePercent: 2.5,
    };
    expect(validatePolicy(full)).toEqual({ ok: true, value: full });
  });

  it('collects every error with its field path', () => {
    const r = validatePolicy({
      lb: { policy: 'random' },
      subsets: [{ version: 'v1', weight: 80 }, { version: 'v1', weight: 30 }],
      retry: { on: ['sometimes'], attempts: 0 },
      fault: { abort: { grpcStatus: 99, percent: 150 }, expiresAt: 'tomorrow' },
      circuitBreaker: {},
      colour: 'blue',
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'colour: unknown field (known: lb, subsets, headerRoutes, retry, timeoutMs, fault, outlierDetection, circuitBreaker, zonePreference, crossZonePercent, rollbackVersion)',
      'lb.policy: must be round_robin or ring_hash',
      'subsets[1].version: duplicate version v1',
      'subsets: weights must sum to 100 (got 110)',
      'retry.on[0]: unknown code sometimes (use cancelled, deadline-exceeded, internal, resource-exhausted, unavailable)',
      'retry.attempts: must be between 1 and 10 (got 0)',
      'fault.abort.grpcStatus: must be between 1 and 16 (got 99)',
      'fault.abort.percent: must be between 0 and 100 (got 150)',
      'fault.expiresAt: must be an ISO date-time',
      'circuitBreaker.maxRequests: required',
    ]);
  });

  it('crossZonePercent: 0 to 50, and only with zone preference', () => {
    expect(validatePolicy({ zonePreference: true, crossZonePercent: 60 })).toEqual({ ok: false, errors: ['crossZonePercent: must be between 0 and 50 (got 60)'] });
    expect(validatePolicy({ crossZonePercent: 5 })).toEqual({ ok: false, errors: ['crossZonePercent: needs zonePreference: true (without it every zone gets calls alike)'] });
  });

  it('accepts the example seed file and the one npm start seeds', () => {
    for (const file of ['mesh-policy.example.yaml', 'mesh-policy.local.yaml']) {
      const policies = loadPolicyFile(path.join(__dirname, '../../../deploy', file));
      expect([...policies.keys()].sort()).toEqual(['image', 'storage', 'video']);
    }
  });
});
