/**
 * Interceptors every mesh client gets (observability adds its tracing interceptor here when
 * tracing is on). Type-only import: registering one does not load @grpc/grpc-js.
 */
import type { Interceptor } from '@grpc/grpc-js';

const added: Interceptor[] = [];

/** addMeshClientInterceptor installs an interceptor on every mesh client made from now on. */
export function addMeshClientInterceptor(interceptor: Interceptor): void {
  added.push(interceptor);
}

/** meshClientInterceptors lists them, outermost first. */
export function meshClientInterceptors(): readonly Interceptor[] {
  return added;
}
