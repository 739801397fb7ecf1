import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { xdsPushSpans } from './push-spans';

// The ACK/NACK path against a real control plane and Jaeger: test/observability/xds-push-trace.test.ts.
const exporter = new InMemorySpanExporter();
beforeAll(() => void trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })));
afterAll(() => trace.disable());

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
const node = { id: 'n1', cluster: 'image', zone: 'z1', userAgent: 'grpc-node-js', metadata: {} };

it('ends an unanswered push when a newer one of its type goes out, and the rest with the stream', () => {
  const hooks = xdsPushSpans();
  hooks.onStreamOpen!(7, node);
  hooks.onStreamResponse!(7, CDS, 'v1', '1', 2);
  hooks.onStreamResponse!(7, CDS, 'v2', '2', 3);
  hooks.onStreamResponse!(7, EDS, 'v2', '3', 1);
  hooks.onAckNack!(7, node, CDS, 'v2', 'bad cluster');
  hooks.onStreamClosed!(7, node);
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, version: s.attributes['xds.version'], outcome: s.attributes['xds.outcome'], status: s.status.code, node: s.attributes['xds.node.id'] }));
  expect(spans).toEqual([
    { name: 'xds.push Cluster', version: 'v1', outcome: 'superseded', status: SpanStatusCode.UNSET, node: 'n1' },
    { name: 'xds.push Cluster', version: 'v2', outcome: 'nack', status: SpanStatusCode.ERROR, node: 'n1' },
    { name: 'xds.push ClusterLoadAssignment', version: 'v2', outcome: 'stream-closed', status: SpanStatusCode.UNSET, node: 'n1' },
  ]);
  // An ACK after the stream closed finds nothing to end.
  hooks.onAckNack!(7, node, EDS, 'v2', undefined);
  expect(exporter.getFinishedSpans()).toHaveLength(3);
});
