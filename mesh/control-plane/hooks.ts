/**
 * XdsServerHooks: where tracing, metrics and logs attach to the ADS server (go-control-plane
 * CallbackFuncs). Every hook is optional; onStreamOpen may refuse a stream by throwing.
 */
import type { NodeInfo } from './stream-state';

export interface XdsServerHooks {
  /** A stream sent its first request; throw to refuse it (the stream ends with the error). */
  onStreamOpen?(streamId: number, node: NodeInfo): void;
  onStreamRequest?(streamId: number, typeUrl: string, names: readonly string[], nonce: string): void;
  onStreamResponse?(streamId: number, typeUrl: string, version: string, nonce: string, count: number): void;
  /** The client accepted (error undefined) or rejected a response. */
  onAckNack?(streamId: number, node: NodeInfo, typeUrl: string, version: string, error: string | undefined): void;
  onStreamClosed?(streamId: number, node: NodeInfo | undefined): void;
}

/** withDefaults fills every hook with a no-op. */
export function withDefaults(h: XdsServerHooks = {}): Required<XdsServerHooks> {
  const noop = () => undefined;
  return {
    onStreamOpen: h.onStreamOpen ?? noop,
    onStreamRequest: h.onStreamRequest ?? noop,
    onStreamResponse: h.onStreamResponse ?? noop,
    onAckNack: h.onAckNack ?? noop,
    onStreamClosed: h.onStreamClosed ?? noop,
  };
}
