/**
 * The results cache's configuration: each variable parsed on its own (loadConfig), then the
 * combinations no single parser can see, each refused with a ConfigError naming its variable.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime';
import { gatewaySpecs } from '../config';
import { checkResultCacheConfig } from './setup';

const check = (env: Record<string, string>) => () => checkResultCacheConfig(loadConfig(gatewaySpecs, env));

describe('results cache configuration', () => {
  it('is on by default (128 MiB of memory, no disk tier, etags believed 5 s)', () => {
    const c = loadConfig(gatewaySpecs, {});
    expect([c.resultCacheBytes, c.resultCacheDir, c.etagTtlMs]).toEqual([128 * 1024 ** 2, '', 5_000]);
    expect(check({})).not.toThrow();
  });

  it('accepts sizes with units, 0 for off, and a disk tier beside a memory tier', () => {
    expect(loadConfig(gatewaySpecs, { MEDIAMESH_RESULT_CACHE_BYTES: '256m' }).resultCacheBytes).toBe(256 * 1024 ** 2);
    expect(check({ MEDIAMESH_RESULT_CACHE_BYTES: '0' })).not.toThrow();
    expect(check({ MEDIAMESH_RESULT_CACHE_DIR: 'results', MEDIAMESH_RESULT_CACHE_DISK_BYTES: '2g' })).not.toThrow();
  });

  it('refuses bad values, naming the variable', () => {
    for (const [name, value] of [
      ['MEDIAMESH_RESULT_CACHE_BYTES', 'lots'],
      ['MEDIAMESH_RESULT_CACHE_DISK_BYTES', '-1'],
      ['MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS', '5s'],
      ['MEDIAMESH_RESULT_CACHE_ETAG_TTL_MS', '7200000'],
    ]) {
      expect(() => loadConfig(gatewaySpecs, { [name]: value }), `${name}=${value}`).toThrow(new RegExp(`^${name}: invalid value`));
    }
  });

  it('refuses combinations that make no cache, naming the variable to change', () => {
    const refused = (env: Record<string, string>, variable: string, message: RegExp) => {
      try {
        check(env)();
        throw new Error(`accepted ${JSON.stringify(env)}`);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).variable).toBe(variable);
        expect((err as Error).message).toMatch(message);
      }
    };
    refused({ MEDIAMESH_RESULT_CACHE_BYTES: '1000' }, 'MEDIAMESH_RESULT_CACHE_BYTES', /too small .*0 = off, else at least 64k/);
    refused({ MEDIAMESH_RESULT_CACHE_BYTES: '0', MEDIAMESH_RESULT_CACHE_DIR: 'results' }, 'MEDIAMESH_RESULT_CACHE_DIR', /needs the results cache on/);
    refused({ MEDIAMESH_RESULT_CACHE_DIR: 'results', MEDIAMESH_RESULT_CACHE_DISK_BYTES: '10k' }, 'MEDIAMESH_RESULT_CACHE_DISK_BYTES', /too small for a disk tier/);
  });
});
