import { describe, expect, it } from 'vitest';
import type { InstanceInfo } from '../../core/hooks';
import { decodeInstance, encodeInstance, PAYLOAD_CLASS } from './curator-json';

const info: InstanceInfo = {
  service: 'image',
  instanceId: 'image-1',
  address: '10.0.0.5',
  port: 50051,
  version: 'v2',
  zone: 'zone-b',
  weight: 3,
  protoServices: ['mediamesh.image.v1.ImageService'],
  startedAt: '2026-01-01T00:00:00.000Z',
};

const decode = (json: unknown, node = 'x1', service = 'image') => decodeInstance(service, node, Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)));

describe('Curator JSON', () => {
  it('writes exactly the nine Curator fields in Curator order, no enabled, payload tagged for Jackson', () => {
    const json = JSON.parse(encodeInstance(info, 'SERVING', 1234).toString());
    expect(Object.keys(json)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec']);
    expect(json).toMatchObject({ name: 'image', id: 'image-1', address: '10.0.0.5', port: 50051, sslPort: null, registrationTimeUTC: 1234, serviceType: 'DYNAMIC' });
    expect(json.payload['@class']).toBe(PAYLOAD_CLASS);
    expect(json.uriSpec.parts.map((p: { value: string }) => p.value).join('|')).toBe('scheme|://|address|:|port');
  });

  it('round-trips our own instances', () => {
    const r = decodeInstance('image', 'image-1', encodeInstance(info, 'NOT_SERVING', 99));
    expect(r).toEqual({
      ok: true,
      value: {
        service: 'image',
        id: 'image-1',
        address: '10.0.0.5',
        port: 50051,
        version: 'v2',
        zone: 'zone-b',
        weight: 3,
        health: 'NOT_SERVING',
        protoServices: ['mediamesh.image.v1.ImageService'],
        startedAt: '2026-01-01T00:00:00.000Z',
        registrationTimeUTC: 99,
        payload: expect.objectContaining({ '@class': PAYLOAD_CLASS }),
      },
    });
  });

  it('accepts a foreign (Spring Cloud Zookeeper) registration with defaults for our metadata', () => {
    const r = decode(
      {
        name: 'cloud-provider-payment',
        id: '0f0a2cbc',
        address: 'localhost',
        port: 8004,
        sslPort: null,
        payload: { '@class': 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance', id: 'application-1', metadata: {} },
        registrationTimeUTC: 1620286926493,
        serviceType: 'DYNAMIC',
        uriSpec: null,
      },
      '0f0a2cbc',
      'cloud-provider-payment',
    );
    expect(r.ok && r.value !== 'disabled' && r.value).toMatchObject({ address: 'localhost', port: 8004, version: '', weight: 1, health: 'SERVING', protoServices: [] });
  });

  it('takes sslPort when port is null, and a DYNAMIC_SEQUENTIAL node name that extends the id', () => {
    const r = decode({ name: 'image', id: 'abc', address: '10.0.0.1', port: null, sslPort: 8443, serviceType: 'DYNAMIC_SEQUENTIAL' }, 'abc0000000007');
    expect(r.ok && r.value !== 'disabled' && r.value.port).toBe(8443);
  });

  it('skips an instance Curator marked disabled', () => {
    expect(decode({ name: 'image', id: 'x1', address: '10.0.0.1', port: 1, enabled: false })).toEqual({ ok: true, value: 'disabled' });
  });

  it('collects every problem of a bad node with its field path', () => {
    const r = decode({ name: 'video', id: 7, address: '', port: 70000, sslPort: 'x', registrationTimeUTC: 'yesterday', serviceType: 'ODD', enabled: 'yes', payload: { weight: 0, health: 'UP', services: ['a', 3], zone: 5 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'name: "video" does not match the service folder "image"',
      'id: expected a non-empty string',
      'address: expected a non-empty string',
      'port: expected an integer from 1 to 65535 or null',
      'sslPort: expected an integer from 1 to 65535 or null',
      'registrationTimeUTC: expected epoch milliseconds',
      'serviceType: expected one of DYNAMIC, STATIC, PERMANENT, DYNAMIC_SEQUENTIAL',
      'enabled: expected a boolean',
      'payload.zone: expected a string',
      'payload.weight: expected an integer from 1 to 1000',
      'payload.health: expected SERVING or NOT_SERVING',
      'payload.services[1]: expected a string',
    ]);
  });

  it.each([
    ['not JSON', '{"name":', /\(root\): not JSON/],
    ['an array', '[1,2]', /\(root\): expected a JSON object/],
    ['null', 'null', /\(root\): expected a JSON object/],
    ['empty bytes', '', /\(root\): not JSON/],
    ['no port at all', JSON.stringify({ name: 'image', id: 'x1', address: '1.2.3.4' }), /port: neither port nor sslPort is set/],
    ['an id of another node', JSON.stringify({ name: 'image', id: 'other', address: '1.2.3.4', port: 1 }), /id: "other" does not match the znode name "x1"/],
  ])('rejects %s without throwing', (_what, raw, message) => {
    const r = decode(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join('\n')).toMatch(message);
  });
});
