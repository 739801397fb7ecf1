/**
 * The control plane's pushes as spans: one span per xDS response, from the write to the node's
 * ACK or NACK (its duration is how long the node took to apply the push). Named
 * `xds.push <Type>` (Cluster, ClusterLoadAssignment, Listener, RouteConfiguration), with the
 * node (id, cluster, zone), type URL, version, nonce and resource count; a NACK is ERROR with
 * the node's error detail. A push the node never answered ends as superseded (a newer push of
 * the same type went out first) or with its stream. Each push is a root span: pushes follow
 * registry changes, not requests.
 */
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { XdsServerHooks } from './hooks';
import type { NodeInfo } from './stream-state';

const tracer = trace.getTracer('mediamesh/control-plane');

/** xdsPushSpans returns the ADS server hooks that trace pushes. */
export function xdsPushSpans(): XdsServerHooks {
  const nodes = new Map<number, NodeInfo>();
  // Open push spans by stream, then type URL.
  const open = new Map<number, Map<string, Span>>();
  const endOpen = (streamId: number, typeUrl: string, outcome: string) => {
    const span = open.get(streamId)?.get(typeUrl);
    if (!span) return undefined;
    open.get(streamId)!.delete(typeUrl);
    span.setAttribute('xds.outcome', outcome);
    return span;
  };
  return {
    onStreamOpen(streamId, node) {
      nodes.set(streamId, node);
    },
    onStreamResponse(streamId, typeUrl, version, nonce, count) {
      endOpen(streamId, typeUrl, 'superseded')?.end();
      const node = nodes.get(streamId);
      const span = tracer.startSpan(`xds.push ${typeUrl.slice(typeUrl.lastIndexOf('.') + 1)}`, {
        root: true,
        attributes: {
          'xds.stream': streamId,
          'xds.node.id': node?.id ?? '',
          'xds.node.cluster': node?.cluster ?? '',
          'xds.node.zone': node?.zone ?? '',
          'xds.type_url': typeUrl,
          'xds.version': version,
          'xds.nonce': nonce,
          'xds.resources': count,
        },
      });
      let byType = open.get(streamId);
      if (!byType) open.set(streamId, (byType = new Map()));
      byType.set(typeUrl, span);
    },
    onAckNack(streamId, _node, typeUrl, _version, error) {
      const span = endOpen(streamId, typeUrl, error === undefined ? 'ack' : 'nack');
      if (!span) return;
      span.setAttribute('xds.ack', error === undefined);
      if (error !== undefined) {
        span.setAttribute('xds.error', error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: `NACK: ${error}` });
      }
      span.end();
    },
    onStreamClosed(streamId) {
      for (const typeUrl of [...(open.get(streamId)?.keys() ?? [])]) endOpen(streamId, typeUrl, 'stream-closed')?.end();
      open.delete(streamId);
      nodes.delete(streamId);
    },
  };
}
