/**
 * Envoy data plane without an Envoy binary: the checker (Envoy's API protos by reflection)
 * rejects misspelt fields, wrong types, bad enums, deprecated fields and unknown Any types,
 * and accepts every bootstrap (CLI output included) and every resource we generate; an
 * Envoy-role node on the wire gets real listeners, clusters before endpoints before
 * listeners before routes.
 */
import { execFileSync } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAdsServer } from '../../mesh/control-plane/ads-server';
import { createControlPlane, TRANSLATORS } from '../../mesh/control-plane/control-plane';
import { TYPE_URL } from '../../mesh/envoy-api';
import { groupOf } from '../../mesh/control-plane/node-group';
import type { MeshState } from '../../mesh/control-plane/types';
import { BOOTSTRAP_TYPE, checkEnvoyObject, checkEnvoyYaml, createEnvoyBootstrap } from '../../mesh/envoy';
import type { ServiceInstance } from '../../mesh/registry/types';
import { distEntry } from '../../core/paths';
import { createAdsClient } from './fixtures/ads-client';

const inst = (service: string, id: string, version: string, zone: string, port: number): ServiceInstance => ({
  service, id, address: '10.0.0.' + (port % 250), port, version, zone, weight: 2, health: 'SERVING', protoServices: [`mediamesh.${service}.v1.${service}Service`], registrationTimeUTC: 0, payload: null,
});

const fullPolicy = {
  lb: { policy: 'ring_hash' as const, hashHeader: 'x-user' },
  subsets: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }],
  headerRoutes: [{ header: 'x-canary', exact: 'yes', version: 'v2' }, { header: 'x-debug', version: 'v1' }],
  retry: { on: ['unavailable', 'resource-exhausted'], attempts: 2, backoffBaseMs: 25, backoffMaxMs: 250 },
  timeoutMs: 30_000,
  fault: { delay: { ms: 100, percent: 5 }, abort: { grpcStatus: 14, percent: 0.5 } },
  outlierDetection: { intervalMs: 1000, baseEjectionMs: 30_000, maxEjectionPercent: 50, failurePercentThreshold: 50, minimumHosts: 3, requestVolume: 20 },
  circuitBreaker: { maxRequests: 512 },
  zonePreference: true,
  crossZonePercent: 5,
};

const mesh: MeshState = {
  now: Date.now(),
  services: new Map([
    ['image', { name: 'image', policy: fullPolicy, instances: [inst('image', 'i1', 'v1', 'zone-a', 50051), inst('image', 'i2', 'v2', 'zone-b', 50052)] }],
    ['storage', { name: 'storage', policy: {}, instances: [inst('storage', 's1', 'v1', 'zone-a', 50061)] }],
  ]),
};

describe('Envoy schema checker', () => {
  it('rejects a bootstrap with a misspelt field, naming its path', () => {
    const text = execFileSync(process.execPath, [distEntry('mesh/cli/main.ts'), 'envoy-bootstrap', '--service', 'image', '--xds', '127.0.0.1:18000'], { encoding: 'utf8' });
    expect(checkEnvoyYaml(text).ok).toBe(true);
    const bad = text.replace('connect_timeout', 'conect_timeout');
    const result = checkEnvoyYaml(bad);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(['static_resources.clusters[0].conect_timeout: unknown field in envoy.config.cluster.v3.Cluster']);
  });

  it('rejects wrong types, bad enums, two oneof members, deprecated fields and unknown Any types', () => {
    const b = createEnvoyBootstrap({ service: 'image', xds: '127.0.0.1:18000' }) as Record<string, any>;
    const mutate = (f: (x: Record<string, any>) => void) => {
      const copy = JSON.parse(JSON.stringify(b));
      f(copy);
      const r = checkEnvoyObject(BOOTSTRAP_TYPE, copy);
      return r.ok ? [] : r.errors;
    };
    expect(mutate((x) => (x.admin.address.socket_address.port_value = 'nine'))[0]).toMatch(/^admin\.address\.socket_address\.port_value: expected an integer/);
    expect(mutate((x) => (x.static_resources.clusters[0].type = 'STATIK'))[0]).toMatch(/static_resources\.clusters\[0\]\.type: bad enum value "STATIK"/);
    expect(mutate((x) => (x.dynamic_resources.cds_config.path = '/etc/cds.yaml'))[0]).toMatch(/cds_config\.path: .*deprecated|oneof/);
    expect(mutate((x) => (x.dynamic_resources.lds_config.api_config_source = { api_type: 'GRPC' }))[0]).toMatch(/lds_config\.api_config_source: oneof config_source_specifier already set by ads/);
    expect(mutate((x) => (x.static_resources.clusters[0].connect_timeout = 'soon'))[0]).toMatch(/connect_timeout: bad duration/);
    const anyErr = mutate((x) => (x.static_resources.clusters[0].typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']['@type'] = 'type.googleapis.com/envoy.Nope'));
    expect(anyErr[0]).toMatch(/typed_extension_protocol_options\["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"\]\.@type: unknown type URL type\.googleapis\.com\/envoy\.Nope/);
  });

  it('accepts every bootstrap the CLI prints', () => {
    for (const args of [['--service', 'image'], ['--service', 'video', '--xds', 'cp.mesh:18000', '--otlp', 'jaeger:4317', '--app-port', '50051', '--zone', 'zone-b', '--node-id', 'video-1']]) {
      const text = execFileSync(process.execPath, [distEntry('mesh/cli/main.ts'), 'envoy-bootstrap', ...args], { encoding: 'utf8' });
      const r = checkEnvoyYaml(text);
      expect(r.ok ? [] : r.errors).toEqual([]);
      expect(parse(text).node.metadata.MESH_ROLE).toBe('envoy');
    }
  });

  it('accepts every resource generated for proxyless and Envoy nodes (all policy features on)', () => {
    const nodes: import('../../mesh/control-plane/stream-state').NodeInfo[] = [
      { id: 'p', cluster: '', zone: 'zone-a', userAgent: 'gRPC Node Pure JS', metadata: { MESH_ROLE: 'proxyless' } },
      { id: 'e', cluster: 'image', zone: 'zone-b', userAgent: 'envoy', metadata: { MESH_ROLE: 'envoy', APP_PORT: '50051', OTEL_CLUSTER: 'otel' } },
    ];
    let count = 0;
    for (const node of nodes)
      for (const tr of TRANSLATORS)
        for (const { name, object } of tr.build(mesh, groupOf(node))) {
          const r = checkEnvoyObject(tr.typeUrl, object);
          expect(r.ok ? [] : r.errors, `${tr.typeUrl} ${name}`).toEqual([]);
          count++;
        }
    expect(count).toBeGreaterThan(20);
  });
});

describe('Envoy-role node over ADS', () => {
  let server: grpc.Server;
  let port: number;
  const cp = createControlPlane({ debounceMs: 1 });
  beforeAll(async () => {
    cp.setInstances(new Map([...mesh.services].map(([k, v]) => [k, v.instances])));
    cp.setPolicy('image', fullPolicy);
    cp.flush();
    server = new grpc.Server();
    createAdsServer({ cache: cp.cache, resolveGroup: cp.resolveGroup }).addTo(server);
    port = await new Promise<number>((r, j) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));
  });
  afterAll(() => {
    server.forceShutdown();
    cp.close();
  });

  it('gets real listeners, and clusters and endpoints before listeners and routes (also on a canary change)', async () => {
    const envoy = createAdsClient(`127.0.0.1:${port}`, { nodeId: 'envoy-1', zone: 'zone-a', metadata: { MESH_ROLE: 'envoy', APP_PORT: '50051' }, follow: true });
    try {
      // Envoy subscribes to listeners and clusters at once, wildcard.
      envoy.subscribe(TYPE_URL.listener, []);
      envoy.subscribe(TYPE_URL.cluster, []);
      const rds = await envoy.waitFor((r) => r.typeUrl === TYPE_URL.route);
      const order = envoy.responses.map((r) => r.typeUrl);
      expect(order.indexOf(TYPE_URL.cluster)).toBeLessThan(order.indexOf(TYPE_URL.endpoint));
      expect(order.indexOf(TYPE_URL.endpoint)).toBeLessThan(order.indexOf(TYPE_URL.listener));
      expect(order.indexOf(TYPE_URL.listener)).toBeLessThan(order.indexOf(TYPE_URL.route));
      const lds = envoy.responses.find((r) => r.typeUrl === TYPE_URL.listener)!;
      const addresses = lds.resources.map((l) => (l.address as { socket_address: { address: string; port_value: number } }).socket_address);
      expect(addresses).toEqual([{ address: '127.0.0.1', port_value: 15001 }, { address: '0.0.0.0', port_value: 15006 }]);
      expect(rds.resources.map((r) => r.name).sort()).toEqual(['inbound', 'outbound']);
      const cds = envoy.responses.find((r) => r.typeUrl === TYPE_URL.cluster)!;
      expect(cds.resources.map((c) => c.name)).toContain('inbound|50051');

      // Canary to a new version: the new cluster and its endpoints reach Envoy before the route naming it.
      const before = envoy.responses.length;
      cp.setInstances(new Map([...mesh.services].map(([k, v]) => [k, k === 'image' ? [...v.instances, inst('image', 'i3', 'v3', 'zone-a', 50053)] : v.instances])));
      cp.setPolicy('image', { ...fullPolicy, subsets: [{ version: 'v1', weight: 80 }, { version: 'v3', weight: 20 }] });
      cp.flush();
      await envoy.waitFor((r) => r.typeUrl === TYPE_URL.route && JSON.stringify(r.resources).includes('image|v3'));
      const after = envoy.responses.slice(before);
      const firstCds = after.findIndex((r) => r.typeUrl === TYPE_URL.cluster && JSON.stringify(r.resources).includes('image|v3'));
      const firstEds = after.findIndex((r) => r.typeUrl === TYPE_URL.endpoint && r.resources.some((c) => c.cluster_name === 'image|v3'));
      const firstRds = after.findIndex((r) => r.typeUrl === TYPE_URL.route && JSON.stringify(r.resources).includes('image|v3'));
      expect(firstCds).toBeGreaterThanOrEqual(0);
      expect(firstEds).toBeGreaterThan(firstCds);
      expect(firstRds).toBeGreaterThan(firstEds);
    } finally {
      envoy.close();
    }
  });
});
