/**
 * retryCutResponseProvider: a client interceptor that repeats an idempotent unary call
 * whose response was cut off after its headers, the one failure the mesh's retry policy
 * cannot cover.
 *
 * The policy (xDS `retry_policy`, applied by grpc-js or Envoy) retries UNAVAILABLE only until
 * the call is committed, and a call commits when the response headers arrive (gRPC retry
 * design A6). A grpc-js server writes a unary response in two socket writes: headers and
 * message first, then the trailers once that write has completed (Node's HTTP/2 stream ends
 * only after its pending writes). A server killed in between (kill -9, the OOM killer) leaves
 * the client with headers and no status: UNAVAILABLE "Connection dropped" or "read ECONNRESET",
 * never retried. It is not rare: a SIGKILL is delivered when the process next returns from the
 * kernel, and under load that is very often this very write. The chaos runs lost a StatObject
 * every few kills this way. Through an Envoy sidecar the same cut arrives as an HTTP/2 RST_STREAM
 * with INTERNAL_ERROR after the headers (Envoy resets the stream it can no longer finish), which
 * grpc-js reports as INTERNAL "Received RST_STREAM with code 2" (seen with Envoy 1.40).
 *
 * For a method in IDEMPOTENT_METHODS, and a SubmitJob that carries an idempotency key
 * (KEYED_IDEMPOTENT_METHODS), this interceptor holds the response (headers, message)
 * until the status. If the call was cut after its headers (cutOff below), it starts the call
 * again: the same metadata and message, the same deadline, through the same channel, so the
 * load balancer picks a live instance. It does this at most `attempts - 1` times, after 25 ms,
 * then 100 ms. The caller sees one call. Other calls pass through untouched.
 */
import * as grpc from '@grpc/grpc-js';
import { IDEMPOTENT_METHODS, isIdempotentCall, KEYED_IDEMPOTENT_METHODS } from './idempotent-methods';

type Child = ReturnType<grpc.NextCall>;
type MessageContext = Parameters<grpc.InterceptingCall['sendMessageWithContext']>[0];
type Listener = Partial<grpc.InterceptingListener>;

const BACKOFF_MS: readonly number[] = [25, 100, 250];

/**
 * cutOff: the status of a response that ended without the server's status: the connection
 * dropped or reset (UNAVAILABLE), or the stream reset by a proxy (grpc-js's INTERNAL for an
 * RST_STREAM, never a status a server sends in its trailers). Also how the storage read client
 * knows a GetObject stream cut after its head (services/storage/read-client.ts).
 */
export function cutOff(status: Pick<grpc.StatusObject, 'code' | 'details'>): boolean {
  if (status.code === grpc.status.UNAVAILABLE) return true;
  return status.code === grpc.status.INTERNAL && status.details.startsWith('Received RST_STREAM with code');
}

/** retriesCutResponse: the methods the interceptor works on (idempotent, with a key for some; one request, one response). */
function retriesCutResponse(method: grpc.InterceptorOptions['method_definition']): boolean {
  return !method.requestStream && !method.responseStream && (IDEMPOTENT_METHODS.has(method.path) || KEYED_IDEMPOTENT_METHODS.has(method.path));
}

/**
 * retryCutResponseProvider (for a channel's `interceptor_providers`) gives the interceptor to the
 * methods it works on and nothing to the others (grpc-js skips a provider's undefined), so their
 * calls pay no extra layer. `attempts` counts the first one; `backoffMs[n]` is the wait before
 * attempt n + 2 (a spec sets it to test the deadline and cancellation without racing a clock).
 */
export function retryCutResponseProvider(attempts = 3, backoffMs: readonly number[] = BACKOFF_MS): grpc.InterceptorProvider {
  if (backoffMs.length < attempts - 1) throw new Error(`retryCutResponseProvider: ${attempts} attempts need ${attempts - 1} backoffs`);
  const interceptor: grpc.Interceptor = (options, nextCall) => {
    const mayRepeat = (request: unknown) => isIdempotentCall(options.method_definition.path, request);
    return new CutResponseRetryingCall(nextCall(options), () => nextCall(options), deadlineMs(options.deadline), attempts, backoffMs, mayRepeat);
  };
  return ((method) => (retriesCutResponse(method) ? interceptor : undefined)) as grpc.InterceptorProvider;
}

function deadlineMs(deadline: grpc.Deadline | undefined): number {
  if (deadline === undefined) return Infinity;
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

/**
 * CutResponseRetryingCall runs one attempt at a time and passes the caller's listener only
 * the final attempt's headers, message and status.
 * @private
 */
export class CutResponseRetryingCall extends grpc.InterceptingCall {
  private child: Child;
  private metadata = new grpc.Metadata();
  private listener: Listener = {};
  private sent: { message: unknown } | undefined;
  private halfClosed = false;
  private reading = false;
  private attempt = 1;
  private cancelled: { code: grpc.status; details: string } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    first: Child,
    private readonly newChild: () => Child,
    private readonly deadline: number,
    private readonly attempts: number,
    private readonly backoffMs: readonly number[],
    /** Whether this request may run again (a SubmitJob only with its key). */
    private readonly mayRepeat: (request: unknown) => boolean,
  ) {
    super(first);
    this.child = first;
  }

  override start(metadata: grpc.Metadata, listener?: Listener): void {
    this.metadata = metadata;
    this.listener = listener ?? {};
    this.startChild(metadata.clone());
  }

  override sendMessageWithContext(context: MessageContext, message: unknown): void {
    this.sent = { message };
    this.child.sendMessageWithContext(context, message);
  }

  override sendMessage(message: unknown): void {
    this.sendMessageWithContext({}, message);
  }

  override halfClose(): void {
    this.halfClosed = true;
    this.child.halfClose();
  }

  override startRead(): void {
    this.reading = true;
    this.child.startRead();
  }

  override cancelWithStatus(code: grpc.status, details: string): void {
    this.cancelled = { code, details };
    if (this.retryTimer) {
      // Between attempts: no child is running to report the cancellation.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.listener.onReceiveMessage?.(null);
      this.listener.onReceiveStatus?.({ code, details, metadata: new grpc.Metadata() });
      return;
    }
    this.child.cancelWithStatus(code, details);
  }

  override getPeer(): string {
    return this.child.getPeer();
  }

  override getAuthContext(): ReturnType<grpc.InterceptingCall['getAuthContext']> {
    return this.child.getAuthContext();
  }

  private startChild(metadata: grpc.Metadata): void {
    const child = this.child;
    let headers: grpc.Metadata | undefined;
    let message: { value: unknown } | undefined;
    child.start(metadata, {
      onReceiveMetadata: (md) => (headers = md),
      onReceiveMessage: (value) => (message = { value }),
      onReceiveStatus: (status) => {
        if (this.shouldRetry(status, headers !== undefined)) return this.retryLater();
        if (headers) this.listener.onReceiveMetadata?.(headers);
        if (message) this.listener.onReceiveMessage?.(message.value);
        this.listener.onReceiveStatus?.(status);
      },
    });
  }

  /** shouldRetry: only a cut-off response, while attempts and time remain. */
  private shouldRetry(status: grpc.StatusObject, hadHeaders: boolean): boolean {
    if (!hadHeaders || !cutOff(status) || this.cancelled || !this.mayRepeat(this.sent?.message)) return false;
    return this.attempt < this.attempts && Date.now() + this.backoffMs[this.attempt - 1] < this.deadline;
  }

  private retryLater(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.attempt++;
      this.child = this.newChild();
      this.startChild(this.metadata.clone());
      if (this.sent) this.child.sendMessageWithContext({}, this.sent.message);
      if (this.halfClosed) this.child.halfClose();
      if (this.reading) this.child.startRead();
    }, this.backoffMs[this.attempt - 1]);
  }
}
