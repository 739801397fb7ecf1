/**
 * probe: a minimal service for registry tests and benchmarks (here, not under mesh/, because it
 * is a service: it runs on the service host, which mesh/ never imports): the shared runtime with no service
 * of its own (it answers grpc.health.v1 and sends the mediamesh-instance header), so a
 * test can spawn, register, discover, call and kill real instance processes.
 * MEDIAMESH_PROBE_SERVICE names it in the registry (default `probe`).
 */
import { runMain } from '../runtime';

runMain({
  name: process.env.MEDIAMESH_PROBE_SERVICE || 'probe',
  protoFiles: [],
  protoServices: [],
  specs: {},
  register: () => undefined,
});
