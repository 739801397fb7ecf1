/**
 * envoyRetryPolicy: the retry policy of an Envoy sidecar's route. A gRPC client retries on its
 * own, transparently, a call that never reached a server (grpc-js: a stream refused or a
 * connection lost before the call was sent), and Envoy does not, so every Envoy route retries
 * what never reached an app: connect failures, refused streams, resets before the request went
 * out (Istio's sidecars retry connect-failure and refused-stream by default too). Such a retry
 * goes to another instance (previous_hosts) and, with zone preference, to another zone once the
 * caller's zone has failed it (previous_priorities): an instance killed a moment ago is still
 * listed until its ZooKeeper session expires, and Envoy, unlike a gRPC client, does not skip a
 * host it cannot connect to. The service's retry policy adds the gRPC codes it
 * names, its attempts and back-off, and per_try_timeout: Envoy counts an attempt that outlived
 * it as a reset, so `reset` is retried then too. A policy retrying `unavailable` also retries
 * `reset`, as grpc-js does under the same policy: an instance (or its sidecar) dying before its
 * response headers is a reset to Envoy but UNAVAILABLE to a gRPC client, and Envoy's
 * `unavailable` only reads a status the upstream sent. Nothing is retried after the headers.
 */
import { TYPE_URL } from '../../envoy-api';
import type { RetryPolicy } from '../policy/types';
import { duration } from './names';

/** TRANSPORT_RETRY_ON: retried on every Envoy route, with or without a retry policy. */
export const TRANSPORT_RETRY_ON = ['connect-failure', 'refused-stream', 'reset-before-request'] as const;

/** Retries of a call that never reached an app when the service has no retry policy. */
const DEFAULT_TRANSPORT_RETRIES = 2;

/** envoyRetryPolicy is the route's retry_policy for an Envoy node. */
export function envoyRetryPolicy(p: RetryPolicy | undefined): Record<string, unknown> {
  const on = new Set<string>(TRANSPORT_RETRY_ON);
  for (const code of p?.on ?? []) on.add(code);
  if (p?.perTryTimeoutMs || p?.on.includes('unavailable')) on.add('reset');
  const retry: Record<string, unknown> = {
    retry_on: [...on].join(','),
    num_retries: { value: p?.attempts ?? DEFAULT_TRANSPORT_RETRIES },
    retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': TYPE_URL.previousHosts } }],
    retry_priority: { name: 'envoy.retry_priorities.previous_priorities', typed_config: { '@type': TYPE_URL.previousPriorities, update_frequency: 1 } },
    host_selection_retry_max_attempts: 3,
  };
  if (p?.backoffBaseMs) retry.retry_back_off = { base_interval: duration(p.backoffBaseMs), ...(p.backoffMaxMs ? { max_interval: duration(p.backoffMaxMs) } : {}) };
  if (p?.perTryTimeoutMs) retry.per_try_timeout = duration(p.perTryTimeoutMs);
  return retry;
}
