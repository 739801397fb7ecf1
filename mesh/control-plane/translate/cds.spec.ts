import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../../registry/types';
import type { ServicePolicy } from '../policy/types';
import type { MeshState, NodeGroup } from '../types';
import { buildCluster, cdsTranslator } from './cds';
import { envoyRetryPolicy } from './envoy-retry';

const inst = (id: string, version: string): ServiceInstance => ({
  service: 'image', id, address: '10.0.0.1', port: 1000 + id.length, version, zone: 'z1', weight: 1, health: 'SERVING', protoServices: [], registrationTimeUTC: 0, payload: null,
});
const envoy: NodeGroup = { key: 'e', role: 'envoy', zone: 'z1' };
const proxyless: NodeGroup = { key: 'p', role: 'proxyless', zone: 'z1' };
const mesh = (subsets: Array<{ version: string; weight: number }>): MeshState => ({
  now: 0,
  services: new Map([['image', { name: 'image', policy: { subsets }, instances: [inst('a', 'v1'), inst('bb', 'v2')] }]]),
});
const names = (m: MeshState, g: NodeGroup) => cdsTranslator.build(m, g).map((c) => c.name);

describe('CDS translation', () => {
  it('keeps an Envoy subset cluster for every running version, so promoting a canary removes no cluster a route may still name', () => {
    const canary = mesh([{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }]);
    const promoted = mesh([{ version: 'v2', weight: 100 }]);
    expect(names(canary, envoy)).toEqual(['image', 'image|v1', 'image|v2']);
    expect(names(promoted, envoy)).toEqual(['image', 'image|v1', 'image|v2']);
    // Proxyless output is unchanged: grpc-js follows its routes' clusters by name.
    expect(names(promoted, proxyless)).toEqual(['image', 'image|v2']);
    // One version and no subsets: no subset cluster.
    const plain: MeshState = { now: 0, services: new Map([['image', { name: 'image', policy: {}, instances: [inst('a', 'v1')] }]]) };
    expect(names(plain, envoy)).toEqual(['image']);
  });

  it('gives every Envoy route transport retries, and the policy’s codes, attempts and per-try timeout on top', () => {
    expect(envoyRetryPolicy(undefined)).toMatchObject({ retry_on: 'connect-failure,refused-stream,reset-before-request', num_retries: { value: 2 } });
    expect(envoyRetryPolicy({ on: ['unavailable'], attempts: 3, perTryTimeoutMs: 150 })).toMatchObject({
      retry_on: 'connect-failure,refused-stream,reset-before-request,unavailable,reset',
      num_retries: { value: 3 },
      per_try_timeout: '0.15s',
    });
    // Retrying UNAVAILABLE retries a reset too (what grpc-js sees as UNAVAILABLE); other codes do not.
    expect(envoyRetryPolicy({ on: ['unavailable'], attempts: 2 }).retry_on).toBe('connect-failure,refused-stream,reset-before-request,unavailable,reset');
    expect(envoyRetryPolicy({ on: ['resource-exhausted'], attempts: 2 }).retry_on).toBe('connect-failure,refused-stream,reset-before-request,resource-exhausted');
  });

  it('lifts Envoy’s cap of 3 retries in flight per cluster, keeping the policy’s circuit breaker; proxyless clusters unchanged', () => {
    const cluster = (policy: ServicePolicy, group = envoy) => buildCluster('image', { name: 'image', policy, instances: [] }, group);
    expect(cluster({}).circuit_breakers).toEqual({ thresholds: [{ priority: 'DEFAULT', max_retries: { value: 4_294_967_295 } }] });
    expect(cluster({ circuitBreaker: { maxRequests: 2, maxPendingRequests: 1 } }).circuit_breakers).toEqual({
      thresholds: [{ priority: 'DEFAULT', max_requests: { value: 2 }, max_pending_requests: { value: 1 }, max_retries: { value: 4_294_967_295 } }],
    });
    expect(cluster({}, proxyless).circuit_breakers).toBeUndefined();
    expect(cluster({ circuitBreaker: { maxRequests: 2 } }, proxyless).circuit_breakers).toEqual({ thresholds: [{ priority: 'DEFAULT', max_requests: { value: 2 } }] });
  });

  it('needs no locality-weighted balancing for a cross-zone share (Envoy takes it from EDS priorities, eds.ts)', () => {
    const cluster = (policy: ServicePolicy) => buildCluster('image', { name: 'image', policy, instances: [] }, envoy);
    expect(cluster({ zonePreference: true, crossZonePercent: 5 }).common_lb_config).toBeUndefined();
  });
});
