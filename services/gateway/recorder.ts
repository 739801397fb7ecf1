/**
 * createRecorder: traffic capture for replay (goreplay-style). With MEDIAMESH_GATEWAY_RECORD
 * set, every answered request is appended to a JSON-lines file: time offset from the
 * recorder's start, method, path+query, a few request headers that change the answer,
 * response status and size. Bodies are never recorded, and neither is any credential:
 * Authorization is kept only as "the request carried one" (`auth: true`), so a replay can
 * supply its own token; signed-URL query tokens stay in the URL because they are the URL.
 */
import * as fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** RECORDED_HEADERS are the request headers whose value can change status or size. */
export const RECORDED_HEADERS = ['accept', 'range', 'if-range', 'if-none-match', 'if-modified-since', 'content-type'] as const;

/** RecordedRequest is one line of a recording. */
export interface RecordedRequest {
  /** Milliseconds since the recording started. */
  readonly t: number;
  readonly method: string;
  /** Path and query exactly as received. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The request carried an Authorization header (its value is never written). */
  readonly auth: boolean;
  readonly status: number;
  /** Response body size from content-length; undefined when the answer was streamed without one. */
  readonly size?: number;
}

export interface Recorder {
  /** Fastify onResponse hook. */
  onResponse(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Flushes and closes the file (Fastify onClose). */
  close(): Promise<void>;
}

/** recordOf builds the line for one answered request (exported for the spec). */
export function recordOf(
  t: number,
  req: { method: string; url?: string; headers: Record<string, string | string[] | undefined> },
  status: number,
  contentLength: unknown,
): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const size = contentLength === undefined || contentLength === null ? undefined : Number(contentLength);
  return {
    t,
    method: req.method,
    url: req.url ?? '/',
    headers,
    auth: req.headers.authorization !== undefined,
    status,
    ...(size !== undefined && Number.isFinite(size) ? { size: req.method === 'HEAD' ? 0 : size } : {}),
  };
}

/**
 * createRecorder appends to `file` (created when missing). Writes go through one stream so
 * a busy gateway pays no per-request syscall; close() is awaited by the gateway's shutdown.
 */
export function createRecorder(file: string, now: () => number = Date.now): Recorder {
  const started = now();
  const out = fs.createWriteStream(file, { flags: 'a' });
  let failed = false;
  out.on('error', () => (failed = true)); // a full disk must not take the gateway down
  return {
    async onResponse(req, reply) {
      if (failed) return;
      out.write(JSON.stringify(recordOf(now() - started, { method: req.method, url: req.raw.url, headers: req.headers }, reply.statusCode, reply.getHeader('content-length'))) + '\n');
    },
    close: () => new Promise<void>((resolve) => (failed ? resolve() : out.end(resolve))),
  };
}

/** parseRecording reads a recording; bad lines are reported with their line number. */
export function parseRecording(text: string): { records: RecordedRequest[]; errors: string[] } {
  const records: RecordedRequest[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const r = JSON.parse(line) as Partial<RecordedRequest>;
      const problems = [
        typeof r.t !== 'number' || r.t < 0 ? 't: a non-negative number' : '',
        typeof r.method !== 'string' || !/^[A-Z]+$/.test(r.method) ? 'method: an HTTP method' : '',
        typeof r.url !== 'string' || !r.url.startsWith('/') ? 'url: a path starting with /' : '',
        typeof r.status !== 'number' ? 'status: a number' : '',
      ].filter(Boolean);
      if (problems.length) errors.push(`line ${i + 1}: expected ${problems.join(', ')}`);
      else records.push({ headers: {}, auth: false, ...r } as RecordedRequest);
    } catch {
      errors.push(`line ${i + 1}: not JSON`);
    }
  });
  return { records, errors };
}
