import { describe, expect, it } from 'vitest';
import type { JaegerSpan } from '../../observability/jaeger-query';
import { formatDuration, renderWaterfall } from './trace-waterfall';

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number) => BigInt(Math.round(n * 1e6));

function span(id: string, parent: string, service: string, name: string, startMs: number, durMs: number, over: Partial<JaegerSpan> = {}): JaegerSpan {
  return {
    traceId: 'ab'.repeat(16),
    spanId: id.padStart(16, '0'),
    parentSpanId: parent ? parent.padStart(16, '0') : '',
    name,
    kind: 'INTERNAL',
    service: `mediamesh-${service}`,
    resource: {},
    attributes: {},
    status: { code: 'UNSET', message: '' },
    events: [],
    startNs: T0 + ms(startMs),
    endNs: T0 + ms(startMs + durMs),
    ...over,
  };
}

// Given out of order, with a parent outside the trace (the caller's span) for the root.
const spans = [
  span('3', '2', 'image', 'grpc.mediamesh.image.v1.ImageService/Process', 10, 80, { kind: 'SERVER' }),
  span('1', 'ffff', 'gateway', 'GET /*', 0, 100, { kind: 'SERVER' }),
  span('5', '3', 'image', 'image.encode', 60, 20, { status: { code: 'ERROR', message: 'encoder failed' } }),
  span('2', '1', 'gateway', 'grpc.mediamesh.image.v1.ImageService/Process', 5, 90, { kind: 'CLIENT' }),
  span('4', '3', 'image', 'image.decode', 20, 30),
];
const trace = { traceId: 'ab'.repeat(16), spans };

describe('renderWaterfall', () => {
  const out = renderWaterfall(trace, { width: 100 });
  const lines = out.trimEnd().split('\n');
  const spanLines = lines.slice(2, 2 + spans.length);
  // Columns: mark (2), offset (9), duration (9), two spaces, the label, a space, the time axis.
  const axisStart = lines[1].search(/ 0 /) + 1;
  const label = (l: string) => l.slice(22, axisStart - 1).trimEnd();
  const bar = (l: string) => {
    const area = l.slice(axisStart);
    return { from: area.search(/[█▓]/), length: (area.match(/[█▓]/g) ?? []).length };
  };

  it('heads the drawing with the trace id, span and service counts, total duration and errors', () => {
    expect(lines[0]).toBe(`trace ${'ab'.repeat(16)}: 5 spans, 2 services (gateway, image), 100.0ms, 1 error`);
  });

  it('draws one line per span in call order, indented under its parent', () => {
    expect(spanLines.map(label)).toEqual([
      'gateway  GET /*',
      '  gateway  → ImageService/Process',
      '    image  ImageService/Process',
      '      image  image.decode',
      '      image  image.encode',
    ]);
  });

  it('gives each span its offset and duration, and a bar placed and sized on the time axis', () => {
    expect(spanLines[3]).toMatch(/^ {2}\s*\+20\.0ms\s+30\.0ms /);
    const barWidth = 100 - axisStart;
    expect(bar(spanLines[0])).toEqual({ from: 0, length: barWidth }); // the root spans the whole axis
    const decode = bar(spanLines[3]);
    expect(decode.from).toBe(Math.floor(0.2 * barWidth));
    expect(Math.abs(decode.length - 0.3 * barWidth)).toBeLessThanOrEqual(1);
  });

  it('marks error spans and lists their messages', () => {
    expect(spanLines.filter((l) => l.startsWith('✗'))).toEqual([spanLines[4]]);
    expect(spanLines[4]).toContain('▓');
    expect(lines.at(-1)).toBe('✗ image  image.encode: encoder failed');
  });

  it('fits the width it is given, and labels that do not fit end with …', () => {
    for (const l of renderWaterfall(trace, { width: 100 }).trimEnd().split('\n').slice(1)) expect([...l].length).toBeLessThanOrEqual(100);
    const narrow = renderWaterfall(trace, { width: 60 }).trimEnd().split('\n');
    for (const l of narrow.slice(1)) expect([...l].length).toBeLessThanOrEqual(60);
    expect(narrow.join('\n')).toContain('…');
  });

  it('colours only when asked', () => {
    expect(out).not.toContain('\x1b[');
    expect(renderWaterfall(trace, { width: 100, color: true })).toContain('\x1b[31m✗\x1b[0m');
  });
});

describe('formatDuration', () => {
  it.each([
    [850_000, '850µs'],
    [2_345_678, '2.35ms'],
    [12_345_678, '12.3ms'],
    [1_240_000_000, '1.24s'],
  ])('%d ns → %s', (ns, text) => expect(formatDuration(ns)).toBe(text));
});
