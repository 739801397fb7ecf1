import { describe, expect, it } from 'vitest';
import type { ServiceState } from '../types';
import { buildRoutes } from './virtual-host';

const svc = (retryOn: string[]): ServiceState => ({ name: 'storage', policy: { retry: { on: retryOn, attempts: 3, backoffBaseMs: 25 } }, instances: [] });
const retryOf = (s: ServiceState, role: 'envoy' | 'proxyless') => (buildRoutes(s, role)[0].route as Record<string, any>).retry_policy;

describe('route retry policy', () => {
  it('gives an Envoy sidecar the transport failures that grpc-js counts as UNAVAILABLE', () => {
    expect(retryOf(svc(['unavailable']), 'proxyless').retry_on).toBe('unavailable');
    expect(retryOf(svc(['unavailable']), 'envoy').retry_on).toBe('unavailable,reset,connect-failure,refused-stream');
    // Not for other codes alone: a reset is not a resource-exhausted answer.
    expect(retryOf(svc(['resource-exhausted']), 'envoy').retry_on).toBe('resource-exhausted');
    expect(retryOf(svc(['unavailable']), 'envoy')).toMatchObject({ num_retries: { value: 3 }, retry_back_off: { base_interval: '0.025s' } });
  });
});
