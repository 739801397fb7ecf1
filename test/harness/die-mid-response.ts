/**
 * A preload (`node --require dist/test/harness/die-mid-response.js`) that makes a real service
 * process die the way a chaos `kill -9` sometimes catches it: in the middle of a unary response.
 * A grpc-js server writes a unary answer in two socket writes — response headers and message,
 * then, once that write has completed, the status trailers. On the first call to
 * DIE_MID_RESPONSE_METHOD this process kills itself with SIGKILL at DIE_MID_RESPONSE_AT:
 * - `status` (the default): right after the first write, so the caller holds headers and a
 *   message but never a status (issue 23 item 2). The call is committed: no retry policy repeats it.
 * - `headers`: after the handler has done its work (a SubmitJob has recorded its job), before the
 *   first write, so the caller gets no headers: UNAVAILABLE, which the mesh's retry policy makes
 *   again on another instance.
 * The timing the chaos runs hit by chance, every time.
 */
const method = process.env.DIE_MID_RESPONSE_METHOD;
const at = process.env.DIE_MID_RESPONSE_AT ?? 'status';

if (method) {
  if (at !== 'status' && at !== 'headers') throw new Error(`DIE_MID_RESPONSE_AT: expected status or headers, got "${at}"`);
  // grpc-js's own call object (exported, not part of its typed API): patching it keeps the
  // server's real write path, only the callback that would send the status is replaced.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BaseServerInterceptingCall } = require('@grpc/grpc-js/build/src/server-interceptors') as {
    BaseServerInterceptingCall: { prototype: { sendMessage(message: unknown, callback: () => void): void; handler?: { path: string } } };
  };
  const proto = BaseServerInterceptingCall.prototype;
  const sendMessage = proto.sendMessage;
  proto.sendMessage = function (this: typeof proto, message, callback) {
    if (this.handler?.path !== method) return sendMessage.call(this, message, callback);
    // sendMessage writes the response headers first when none went out yet (a unary handler sends none before).
    if (at === 'headers') process.kill(process.pid, 'SIGKILL');
    sendMessage.call(this, message, () => process.kill(process.pid, 'SIGKILL'));
  };
}
