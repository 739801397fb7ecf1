/**
 * A test-only service on the shared runtime: `mediamesh.test.Slow/Wait` answers after
 * SLOW_DELAY_MS with the bytes "done". Used to prove graceful draining and config errors.
 */
import type * as grpc from '@grpc/grpc-js';
import { int, runMain } from '../../services/runtime';

const identity = (b: Buffer) => b;

/** SLOW_WAIT_METHOD is the method's path; clients call it with makeUnaryRequest. */
export const SLOW_WAIT_METHOD = '/mediamesh.test.Slow/Wait';

const definition: grpc.ServiceDefinition = {
  Wait: {
    path: SLOW_WAIT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

if (require.main === module) {
  runMain({
    name: 'slow',
    protoFiles: [],
    protoServices: ['mediamesh.test.Slow'],
    specs: { delayMs: { name: 'SLOW_DELAY_MS', doc: 'answer delay', fallback: 1000, parse: int(0, 60_000) } },
    register(server, ctx) {
      server.addService(definition, {
        Wait: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => setTimeout(() => cb(null, Buffer.from('done')), ctx.config.delayMs),
      });
    },
  });
}
