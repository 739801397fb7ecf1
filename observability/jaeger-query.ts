/**
 * Reading traces back from Jaeger's HTTP API (what tests and `mediamesh trace` do): fetchTrace and
 * waitForTrace use the stable `/api/v3/traces/{id}` (OTLP JSON), findSpans the api_v3 search; never the
 * search endpoints removed in newer Jaeger. Starting a Jaeger is the launcher's (launcher/jaeger.ts).
 */

/** SpanKind names as OTLP numbers them (Jaeger's api_v3 may render the enum as a number or a name). */
const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export type SpanKindName = (typeof KINDS)[number];

/** JaegerSpan is one span as read back from Jaeger, flattened with its resource's service.name. */
export interface JaegerSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span (or a span whose parent lives in the caller's process). */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKindName;
  /** The resource's service.name, e.g. mediamesh-image. */
  readonly service: string;
  readonly resource: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
  /** OTLP status: UNSET, OK or ERROR, with its message. */
  readonly status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  readonly events: { name: string; attributes: Record<string, unknown> }[];
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/** JaegerTrace is every span of one trace id. */
export interface JaegerTrace {
  readonly traceId: string;
  readonly spans: JaegerSpan[];
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
interface OtlpTracesData {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const anyValue = (v: OtlpAnyValue | undefined): unknown => {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  return undefined;
};
const attrs = (kvs: OtlpKeyValue[] | undefined): Record<string, unknown> => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
const kindName = (k: number | string | undefined): SpanKindName =>
  typeof k === 'number' ? (KINDS[k] ?? 'UNSPECIFIED') : ((String(k ?? '').replace(/^SPAN_KIND_/, '') as SpanKindName) || 'UNSPECIFIED');
const statusName = (c: number | string | undefined): 'UNSET' | 'OK' | 'ERROR' => {
  if (c === 1 || c === 'STATUS_CODE_OK') return 'OK';
  if (c === 2 || c === 'STATUS_CODE_ERROR') return 'ERROR';
  return 'UNSET';
};
/** OTLP JSON ids are hex; grpc-gateway style output may give base64: normalise to lower-case hex. */
const hexId = (id: string | undefined): string => {
  if (!id) return '';
  if (/^[0-9a-fA-F]+$/.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
};

/** parseOtlpTraces flattens Jaeger's api_v3 answer ({"result": TracesData}) into spans. */
export function parseOtlpTraces(body: { result?: OtlpTracesData } | OtlpTracesData): JaegerSpan[] {
  const data: OtlpTracesData = 'result' in body && body.result ? body.result : (body as OtlpTracesData);
  const out: JaegerSpan[] = [];
  for (const rs of data.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          kind: kindName(s.kind),
          service: String(resource['service.name'] ?? ''),
          resource,
          attributes: attrs(s.attributes),
          status: { code: statusName(s.status?.code), message: s.status?.message ?? '' },
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
          startNs: BigInt(s.startTimeUnixNano ?? 0),
          endNs: BigInt(s.endTimeUnixNano ?? 0),
        });
      }
    }
  }
  return out;
}

/** fetchTrace reads one trace by id through `/api/v3/traces/{id}`; undefined when Jaeger has none (404). */
export async function fetchTrace(uiUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${uiUrl}/api/v3/traces/${traceId}`);
  if (res.status === 404) return undefined;
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /api/v3/traces/${traceId}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  // api_v3 answers a stream of chunks; with in-memory storage a trace is one JSON object.
  return { traceId, spans: parseOtlpTraces(JSON.parse(text)) };
}

export interface WaitForTraceOptions {
  /** Resolve once the trace holds at least this many spans (default 1). */
  minSpans?: number;
  /** Or once this predicate holds for the spans so far. */
  until?: (spans: JaegerSpan[]) => boolean;
  /** Give up after this long (default 30 s: the SDK batches, then Jaeger batches). */
  timeoutMs?: number;
}

/**
 * waitForTrace polls `/api/v3/traces/{id}` until the trace has the expected spans or the deadline
 * passes; on timeout it throws with the span names seen so far (the useful clue in a failing test).
 */
export async function waitForTrace(uiUrl: string, traceId: string, opts: WaitForTraceOptions = {}): Promise<JaegerTrace> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const done = opts.until ?? ((spans: JaegerSpan[]) => spans.length >= (opts.minSpans ?? 1));
  let last: JaegerTrace | undefined;
  for (;;) {
    last = await fetchTrace(uiUrl, traceId);
    if (last && done(last.spans)) return last;
    if (Date.now() > deadline) {
      const seen = last ? last.spans.map((s) => `${s.service}:${s.name}`).join(', ') : 'no trace';
      throw new Error(`trace ${traceId} not complete after ${opts.timeoutMs ?? 30_000} ms; spans seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * findSpans searches `/api/v3/traces?query.service_name=…` (the stable api_v3 search, with the
 * time window it requires) for the spans one service sent since `since`; [] when none (404).
 * For root spans no caller knows the trace id of, e.g. the control plane's pushes.
 */
export async function findSpans(uiUrl: string, service: string, since: Date): Promise<JaegerSpan[]> {
  const q = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': new Date(since.getTime() - 1000).toISOString(),
    'query.start_time_max': new Date(Date.now() + 60_000).toISOString(),
    'query.num_traces': '100',
  });
  const res = await fetch(`${uiUrl}/api/v3/traces?${q}`);
  if (res.status === 404) return [];
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /api/v3/traces?query.service_name=${service}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return parseOtlpTraces(JSON.parse(text));
}
