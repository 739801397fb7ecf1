/**
 * `mediamesh trace <trace id>` / `mediamesh trace --last <service>`: reads a trace from Jaeger's HTTP
 * API (observability/jaeger-query.ts) and draws it as a waterfall in the terminal (../trace-waterfall.ts).
 * Jaeger is --jaeger, or the one the running local mesh names in $MEDIAMESH_HOME/ready.json.
 */
import { fetchTrace, findSpans, otelServiceName, type JaegerTrace } from '../../../observability';
import { UsageError, type Command } from '../command';
import { readLocalMesh } from '../local-defaults';
import { renderWaterfall } from '../trace-waterfall';

/** LAST_WINDOWS: how far back --last looks, nearest first (Jaeger's search wants a time window). */
const LAST_WINDOWS_MS = [60_000, 15 * 60_000, 6 * 3_600_000, 7 * 86_400_000];

export const command: Command = {
  summary: 'draw a trace from Jaeger as a waterfall in the terminal (by trace id, or --last <service>)',
  usage: `usage: mediamesh trace <trace id> [--jaeger <url>] [--width <columns>]
       mediamesh trace --last <service> [--jaeger <url>] [--width <columns>]

Reads the trace from Jaeger's HTTP API and draws one line per span, indented under its parent:
start offset, duration, service and operation, and a bar on a time axis as wide as the terminal;
spans with an error status are marked ✗ and their messages listed at the end.
<trace id> is 32 hex digits (the trace_id of any service's JSON log, or of your traceparent).
--last <service>  the most recent trace in which <service> (gateway, image, storage, video,
                  control-plane) has a span
--jaeger <url>    Jaeger's query address (default: "jaeger" in $MEDIAMESH_HOME/ready.json,
                  written by \`npm start\`)
--width <columns> default: the terminal's width (120 when not a terminal)`,
  options: { jaeger: { type: 'string' }, last: { type: 'string' }, width: { type: 'string' } },
  positionals: 1,
  async run(p) {
    const [traceId] = p.positional;
    const last = typeof p.flags.last === 'string' ? p.flags.last : undefined;
    if (!traceId === !last) throw new UsageError('give a trace id or --last <service> (one of them)');
    if (traceId && !/^[0-9a-fA-F]{32}$/.test(traceId)) throw new UsageError(`a trace id is 32 hex digits, got ${JSON.stringify(traceId)}`);
    if (last !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(last)) throw new UsageError(`"${last}" is not a service name (e.g. gateway)`);
    const width = p.flags.width === undefined ? terminalWidth() : Number(p.flags.width);
    if (!Number.isInteger(width) || width < 60 || width > 1000) throw new UsageError('--width takes a number of columns from 60 to 1000');
    const jaeger = jaegerUrl(p.flags.jaeger);

    let trace: JaegerTrace | undefined;
    try {
      const id = traceId?.toLowerCase() ?? (await lastTraceOf(jaeger, otelServiceName(last!)));
      trace = id ? await fetchTrace(jaeger, id) : undefined;
    } catch (err) {
      throw new Error(`cannot read traces from Jaeger at ${jaeger}: ${describeFetchError(err)}`);
    }
    if (!trace || trace.spans.length === 0) {
      process.stderr.write(traceId ? `no trace ${traceId} in Jaeger at ${jaeger} (yet: spans reach it a few seconds after a request)\n` : `no trace of ${last} in Jaeger at ${jaeger} in the last 7 days\n`);
      return 1;
    }
    process.stdout.write(renderWaterfall(trace, { width, color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
    return 0;
  },
};

function jaegerUrl(flagValue: unknown): string {
  const url = typeof flagValue === 'string' ? flagValue : readLocalMesh()?.jaeger;
  if (typeof url !== 'string' || !url)
    throw new UsageError('where is Jaeger? pass --jaeger http://host:16686, or run it next to a mesh started with `npm start` (its ready.json names Jaeger)');
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError(`--jaeger must be an http(s) URL, got ${JSON.stringify(url)}`);
  return url.replace(/\/+$/, '');
}

function terminalWidth(): number {
  return process.stdout.columns || Number(process.env.COLUMNS) || 120;
}

/** lastTraceOf finds the trace holding the service's latest span, searching ever wider windows. */
async function lastTraceOf(jaeger: string, service: string): Promise<string | undefined> {
  for (const windowMs of LAST_WINDOWS_MS) {
    const spans = (await findSpans(jaeger, service, new Date(Date.now() - windowMs))).filter((s) => s.service === service);
    if (spans.length === 0) continue;
    return spans.reduce((a, b) => (b.startNs > a.startNs ? b : a)).traceId;
  }
  return undefined;
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
