import { describe, expect, it } from 'vitest';
import { ConfigError } from './config';
import { runtimeSpecs } from './runtime-config';
import { zookeeperFromEnv, zookeeperSpecs } from './zookeeper-config';

describe('zookeeperFromEnv: MEDIAMESH_ZK resolved in one place', () => {
  it('has one default, empty (nobody guesses an address), and the base path /mediamesh', () => {
    expect(zookeeperFromEnv({})).toEqual({ zk: '', zkBasePath: '/mediamesh' });
    expect(zookeeperFromEnv({ MEDIAMESH_ZK: '10.0.0.1:2181,10.0.0.2:2181', MEDIAMESH_ZK_BASE_PATH: '/x' })).toEqual({ zk: '10.0.0.1:2181,10.0.0.2:2181', zkBasePath: '/x' });
  });
  it('refuses a bad value naming the variable', () => {
    expect(() => zookeeperFromEnv({ MEDIAMESH_ZK: 'a b' })).toThrow(ConfigError);
    expect(() => zookeeperFromEnv({ MEDIAMESH_ZK_BASE_PATH: 'relative' })).toThrow(/MEDIAMESH_ZK_BASE_PATH/);
  });
  it('is the same spec in the service host', () => {
    expect(runtimeSpecs.zk).toBe(zookeeperSpecs.zk);
    expect(runtimeSpecs.zkBasePath).toBe(zookeeperSpecs.zkBasePath);
  });
});
