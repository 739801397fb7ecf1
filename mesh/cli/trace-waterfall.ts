/**
 * renderWaterfall draws one trace (as read back from Jaeger, observability/jaeger-query.ts) for a
 * terminal: a header, then one line per span in call order — children under their parent, indented
 * by depth — with its start offset, duration, service and operation, and a bar placed and sized on a
 * time axis that fills the rest of the line; spans with an error status are marked ✗ (and listed
 * with their messages at the end). The Jaeger built here has no UI, so this is how a trace is read.
 */
import { SERVICE_NAME_PREFIX, type JaegerSpan, type JaegerTrace } from '../../observability';

export interface WaterfallOptions {
  /** Columns to fill (the terminal's width). */
  readonly width: number;
  /** ANSI colours (errors red, structure dim). */
  readonly color?: boolean;
}

interface Row {
  readonly span: JaegerSpan;
  readonly depth: number;
}

const MARK_WIDTH = 2;
const TIME_WIDTH = 9;
const BAR = '█';
const ERROR_BAR = '▓';

/** formatDuration renders nanoseconds as 850µs, 12.3ms or 1.24s. */
export function formatDuration(ns: bigint | number): string {
  const ms = Number(ns) / 1e6;
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** operationLabel: grpc.mediamesh.image.v1.ImageService/Process → ImageService/Process; outgoing calls get an arrow. */
function operationLabel(span: JaegerSpan): string {
  const grpc = /^grpc\.(?:[\w-]+\.)*([\w-]+\/[\w-]+)$/.exec(span.name);
  const name = grpc ? grpc[1] : span.name;
  return span.kind === 'CLIENT' || span.kind === 'PRODUCER' ? `→ ${name}` : name;
}

const serviceLabel = (span: JaegerSpan) => (span.service.startsWith(SERVICE_NAME_PREFIX) ? span.service.slice(SERVICE_NAME_PREFIX.length) : span.service || '?');

/** callOrder lists spans depth-first, siblings by start time; a span whose parent is not in the trace is a root. */
function callOrder(spans: readonly JaegerSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, JaegerSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId ? s.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const byStart = (a: JaegerSpan, b: JaegerSpan) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.name.localeCompare(b.name));
  const rows: Row[] = [];
  const visit = (parent: string, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort(byStart)) {
      rows.push({ span: s, depth });
      visit(s.spanId, depth + 1);
    }
  };
  visit('', 0);
  return rows;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text + ' '.repeat(width - chars.length) : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export function renderWaterfall(trace: JaegerTrace, opts: WaterfallOptions): string {
  const paint = (code: string, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const rows = callOrder(trace.spans);
  if (rows.length === 0) return `trace ${trace.traceId}: no spans\n`;
  const start = trace.spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), trace.spans[0].startNs);
  const end = trace.spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), trace.spans[0].endNs);
  const total = Number(end - start) || 1;
  const errors = rows.filter((r) => r.span.status.code === 'ERROR');
  const services = [...new Set(rows.map((r) => serviceLabel(r.span)))];

  const width = Math.max(60, opts.width);
  const labels = rows.map((r) => `${'  '.repeat(r.depth)}${serviceLabel(r.span)}  ${operationLabel(r.span)}`);
  const fixed = MARK_WIDTH + 2 * TIME_WIDTH + 2;
  const labelWidth = Math.min(Math.max(...labels.map((l) => [...l].length), 20), Math.floor(width * 0.45));
  const barWidth = width - fixed - labelWidth - 1;

  const out: string[] = [];
  out.push(
    `trace ${trace.traceId}: ${rows.length} span${rows.length === 1 ? '' : 's'}, ${services.length} service${services.length === 1 ? '' : 's'} (${services.join(', ')}), ${formatDuration(total)}` +
      (errors.length ? `, ${paint('31', `${errors.length} error${errors.length === 1 ? '' : 's'}`)}` : ''),
  );
  const mid = formatDuration(total / 2);
  const axisEnd = formatDuration(total);
  const gap = Math.max(1, barWidth - 1 - mid.length - axisEnd.length);
  const axis = fit(`0${' '.repeat(Math.floor(gap / 2))}${mid}${' '.repeat(Math.ceil(gap / 2))}${axisEnd}`, barWidth);
  out.push(paint('2', `${' '.repeat(MARK_WIDTH)}${'offset'.padStart(TIME_WIDTH)}${'duration'.padStart(TIME_WIDTH)}  ${fit('service  operation', labelWidth)} ${axis}`));
  rows.forEach((r, i) => {
    const offset = Number(r.span.startNs - start);
    const duration = Number(r.span.endNs - r.span.startNs);
    const from = Math.min(barWidth - 1, Math.floor((offset / total) * barWidth));
    const to = Math.min(barWidth, Math.max(from + 1, Math.ceil(((offset + duration) / total) * barWidth)));
    const failed = r.span.status.code === 'ERROR';
    const bar = ' '.repeat(from) + (failed ? ERROR_BAR : BAR).repeat(to - from) + ' '.repeat(barWidth - to);
    const line =
      (failed ? paint('31', '✗') : ' ') +
      ' ' +
      `+${formatDuration(offset)}`.padStart(TIME_WIDTH) +
      formatDuration(duration).padStart(TIME_WIDTH) +
      '  ' +
      fit(labels[i], labelWidth) +
      ' ' +
      (failed ? paint('31', bar) : paint('36', bar));
    out.push(line.trimEnd());
  });
  for (const r of errors) out.push(`${paint('31', '✗')} ${fit(`${serviceLabel(r.span)}  ${r.span.name}: ${r.span.status.message || 'error'}`, width - 2).trimEnd()}`);
  return out.join('\n') + '\n';
}
