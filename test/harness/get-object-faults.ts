/**
 * A preload for storage processes (`node --require dist/test/harness/get-object-faults.js`) that
 * counts the GetObject reads an instance serves and fails them the ways a storage instance fails:
 *  - GET_OBJECT_LOG=<file>: one line (the instance id) per GetObject call, appended synchronously,
 *    so the count survives a SIGKILL;
 *  - GET_OBJECT_FAULT=cut: the first GetObject is cut mid-body: the process kills itself (SIGKILL)
 *    once the object's head and first chunk are written, as a `kill -9` catches a download;
 *  - GET_OBJECT_FAULT=unavailable: every GetObject answers UNAVAILABLE before its head (an
 *    instance that cannot read its disk).
 * It wraps the GetObject handler where the service registers it; every other method is untouched.
 */
import { appendFileSync } from 'node:fs';

const GET_OBJECT = '/mediamesh.storage.v1.StorageService/GetObject';
const log = process.env.GET_OBJECT_LOG;
const fault = process.env.GET_OBJECT_FAULT;

if (log || fault) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  type Call = import('@grpc/grpc-js').ServerWritableStream<unknown, unknown>;
  type Handler = (call: Call) => void;
  let reads = 0;
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: import('@grpc/grpc-js').Server, service, implementation) {
    const key = Object.keys(service).find((k) => service[k].path === GET_OBJECT);
    if (!key) return addService.call(this, service, implementation);
    const serve = implementation[key] as unknown as Handler;
    const wrapped: Handler = (call) => {
      reads++;
      if (log) appendFileSync(log, `${process.env.MEDIAMESH_INSTANCE_ID}\n`);
      if (fault === 'unavailable') return void call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'storage failing on purpose (test harness)' });
      if (fault === 'cut' && reads === 1) {
        const write = call.write.bind(call) as (chunk: unknown, cb?: () => void) => boolean;
        let written = 0;
        call.write = ((chunk: unknown, ...rest: unknown[]) =>
          ++written === 2 ? write(chunk, () => process.kill(process.pid, 'SIGKILL')) : write(chunk, ...(rest as [() => void]))) as Call['write'];
      }
      serve(call);
    };
    return addService.call(this, service, { ...implementation, [key]: wrapped });
  };
}
