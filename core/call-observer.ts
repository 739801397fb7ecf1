/**
 * The seam between the service host's one server interceptor (services/runtime/server-call-interceptor.ts)
 * and whoever watches calls (observability's server metrics): observers see every served call
 * without the host knowing what they do with it.
 */
import type { Metadata, status } from '@grpc/grpc-js';

/** ObservedCall is what an observer keeps for one call. */
export interface ObservedCall {
  /** end runs once per call: with the status sent, or CANCELLED when the caller cancelled. */
  end(code: status, details: string): void;
}

/** ServerCallObserver watches every call a service serves. */
export interface ServerCallObserver {
  /** onCall runs when a call's metadata arrives; return undefined to leave the call alone. */
  onCall(path: string, metadata: Metadata): ObservedCall | undefined;
}
