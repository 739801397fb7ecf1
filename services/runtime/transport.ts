/**
 * Transport: what a service serves on, as the service host sees it. The host binds it, sets
 * the serving state callers see and drains it on shutdown; gRPC services get one from the host
 * (grpc-transport.ts), the gateway brings its HTTP server as one.
 */
import type { HealthState } from '../../core/hooks';

export interface Transport {
  /** The address it binds (logged). */
  readonly address: string;
  /** listen binds and returns the port. */
  listen(): Promise<number>;
  /** setHealth is the serving state callers see (grpc.health.v1, or an HTTP readiness route). */
  setHealth(state: HealthState): void;
  /** drain refuses new work and waits for in-flight work, forcing it to end after timeoutMs. */
  drain(timeoutMs: number): Promise<void>;
}
