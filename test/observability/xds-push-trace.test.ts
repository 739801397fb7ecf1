/**
 * The control plane traces its pushes: a real control-plane process (ZooKeeper, tracing into a real
 * Jaeger) answers an Envoy-role ADS client that ACKs clusters and NACKs listeners; Jaeger then holds
 * one `xds.push <Type>` span per response, with the node, type, version and the ACK (OK) or the NACK
 * (ERROR, with the node's error detail). Read back through api_v3's search (push spans are roots).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TYPE_URL } from '../../mesh/envoy-api';
import { createAdsClient, type AdsClient } from '../control-plane/fixtures/ads-client';
import { startJaeger, type JaegerServer } from '../../launcher/jaeger';
import { findSpans, type JaegerSpan } from '../../observability/jaeger-query';
import { freePort } from '../../launcher/ports';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { describeSpans, startTraced } from './support';

let jaeger: JaegerServer;
let zk: ZooKeeperServer;
let cp: StartedService;
let ads: AdsClient | undefined;

beforeAll(async () => {
  jaeger = await startJaeger();
  zk = await startZooKeeper();
  cp = await startTraced('mesh/control-plane/main.ts', jaeger, {
    env: { MEDIAMESH_ZK: zk.connectString, MEDIAMESH_XDS_PORT: String(await freePort()), MEDIAMESH_CP_STATUS_PORT: '0' },
  });
});

afterAll(async () => {
  ads?.close();
  await cp?.stop();
  await zk?.stop();
  await jaeger?.stop();
});

it('traces each push with its node, type and version, ended by the ACK or the NACK', async () => {
  const since = new Date();
  ads = createAdsClient(`127.0.0.1:${cp.port}`, {
    nodeId: 'envoy-traced',
    zone: 'zone-t',
    metadata: { MESH_ROLE: 'envoy', APP_PORT: '50051' },
    nack: (r) => (r.typeUrl === TYPE_URL.listener ? 'listener rejected by the test' : undefined),
  });
  ads.subscribe(TYPE_URL.cluster, []);
  ads.subscribe(TYPE_URL.listener, []);
  const cds = await ads.waitFor((r) => r.typeUrl === TYPE_URL.cluster);
  const lds = await ads.waitFor((r) => r.typeUrl === TYPE_URL.listener);

  let spans: JaegerSpan[] = [];
  const deadline = Date.now() + 30_000;
  const pushes = () => spans.filter((s) => s.name.startsWith('xds.push ') && s.attributes['xds.node.id'] === 'envoy-traced');
  while (Date.now() < deadline) {
    spans = await findSpans(jaeger.uiUrl, 'mediamesh-control-plane', since);
    const seen = new Set(pushes().map((s) => s.name));
    if (seen.has('xds.push Cluster') && seen.has('xds.push Listener')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const dump = describeSpans(spans);
  const cluster = pushes().find((s) => s.name === 'xds.push Cluster' && s.attributes['xds.nonce'] === cds.nonce);
  const listener = pushes().find((s) => s.name === 'xds.push Listener' && s.attributes['xds.nonce'] === lds.nonce);
  expect(cluster, dump).toBeDefined();
  expect(listener, dump).toBeDefined();
  expect(cluster!.attributes, dump).toMatchObject({
    'xds.type_url': TYPE_URL.cluster,
    'xds.version': cds.version,
    'xds.node.zone': 'zone-t',
    'xds.outcome': 'ack',
    'xds.ack': true,
    'xds.resources': cds.resources.length,
  });
  expect(cluster!.status.code, dump).not.toBe('ERROR');
  expect(listener!.attributes, dump).toMatchObject({ 'xds.version': lds.version, 'xds.outcome': 'nack', 'xds.ack': false, 'xds.error': 'listener rejected by the test' });
  expect(listener!.status.code, dump).toBe('ERROR');
  expect(listener!.parentSpanId, dump).toBeFalsy();
});
