/**
 * observability/start in a bare Node process: with telemetry off it loads no OpenTelemetry SDK
 * package and no tracer at all (the near-zero cost promise); with tracing on it starts the SDK's
 * tracer provider with the AsyncLocalStorage context manager, loads no @grpc/grpc-js itself, and
 * the gRPC instrumentation patches grpc-js when the process loads it (which is why start comes first).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { distEntry, repoRoot } from '../../core/paths';

interface Loaded {
  sdk: boolean;
  tracerProvider: string;
  grpcBeforeApp: boolean;
  grpcPatched: boolean;
  contextManager: string;
}

/** probe requires start.js, reports what got loaded, then requires grpc-js and checks it is patched. */
function probe(env: Record<string, string>): Loaded {
  const script = `
    require(${JSON.stringify(distEntry('observability/start.ts'))});
    const loaded = Object.keys(require.cache);
    const sdk = loaded.some((k) => /@opentelemetry[\\/](sdk-|resources|instrumentation)/.test(k));
    const provider = require('@opentelemetry/api').trace.getTracerProvider();
    const tracerProvider = (provider.getDelegate ? provider.getDelegate() : provider).constructor.name;
    const grpcBeforeApp = loaded.some((k) => k.includes('@grpc/grpc-js'));
    const grpc = require('@grpc/grpc-js');
    const grpcPatched = Boolean(grpc.Server.prototype.register.__wrapped || grpc.Client.prototype.makeUnaryRequest.__wrapped);
    const manager = require('@opentelemetry/api').context._getContextManager();
    const contextManager = manager.constructor.name;
    process.stdout.write(JSON.stringify({ sdk, tracerProvider, grpcBeforeApp, grpcPatched, contextManager }) + '\\n');
    process.exit(0);
  `;
  const res = spawnSync(process.execPath, ['-e', script], {
    cwd: repoRoot(),
    env: { PATH: process.env.PATH ?? '', MEDIAMESH_SERVICE_NAME: 'probe', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(res.status, res.stderr).toBe(0);
  const line = res.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Loaded;
}

describe('observability/start', () => {
  it('loads no SDK when no OTLP endpoint and no metrics port are set', () => {
    expect(probe({})).toEqual({ sdk: false, tracerProvider: 'NoopTracerProvider', grpcBeforeApp: false, grpcPatched: false, contextManager: 'NoopContextManager' });
  });

  it('loads no SDK when OTEL_SDK_DISABLED=true even with an endpoint', () => {
    expect(probe({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toMatchObject({ sdk: false, grpcPatched: false });
  });

  it('starts the SDK with the AsyncLocalStorage context manager, without loading grpc-js, and instruments grpc-js once it loads', () => {
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual({
      sdk: true,
      tracerProvider: 'TracerProvider',
      grpcBeforeApp: false,
      grpcPatched: true,
      contextManager: 'AsyncLocalStorageContextManager',
    });
  });

  it('leaves a bad OTEL_TRACES_SAMPLER to the SDK, which logs it by name and samples by default', () => {
    const res = spawnSync(process.execPath, [distEntry('observability/start.ts')], {
      cwd: repoRoot(),
      env: { PATH: process.env.PATH ?? '', MEDIAMESH_SERVICE_NAME: 'probe', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_SAMPLER: 'sometimes' },
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.component === 'otel-sdk')?.msg).toMatch(/OTEL_TRACES_SAMPLER.*sometimes/);
  });

  it('exits 2 naming a bad MEDIAMESH_METRICS_PORT', () => {
    const res = spawnSync(process.execPath, [distEntry('observability/start.ts')], {
      cwd: repoRoot(),
      env: { PATH: process.env.PATH ?? '', MEDIAMESH_METRICS_PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('MEDIAMESH_METRICS_PORT');
  });
});
