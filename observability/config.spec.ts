import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config';
import { loadTelemetryConfig } from './config';
import { otelServiceName, serviceNameFromEntry } from './service-name';

describe('serviceNameFromEntry', () => {
  it('names services, the control plane and helpers from their entry path', () => {
    expect(serviceNameFromEntry('/srv/mm/dist/services/image/main.js')).toBe('image');
    expect(serviceNameFromEntry('/srv/mm/dist/services/gateway/main.js')).toBe('gateway');
    expect(serviceNameFromEntry('/srv/mm/dist/mesh/control-plane/main.js')).toBe('control-plane');
    expect(serviceNameFromEntry('/srv/mm/services/storage/main.ts')).toBe('storage');
    expect(serviceNameFromEntry('/srv/mm/dist/bench/gateway-sharp-baseline.js')).toBe('gateway-sharp-baseline');
    expect(serviceNameFromEntry(undefined)).toBeUndefined();
  });

  it('prefixes the OpenTelemetry service.name once', () => {
    expect(otelServiceName('image')).toBe('mediamesh-image');
    expect(otelServiceName('mediamesh-image')).toBe('mediamesh-image');
  });
});

describe('loadTelemetryConfig', () => {
  const entry = '/x/dist/services/image/main.js';

  it('is off without an OTLP endpoint or a metrics port', () => {
    const c = loadTelemetryConfig({}, entry);
    expect(c).toMatchObject({ service: 'image', tracing: false, metrics: false, metricsEndpoint: false, version: 'v1', zone: 'zone-a' });
    expect(c.instanceId).toMatch(/^image-[0-9a-f]+$/);
  });

  it('turns tracing on with an endpoint, and OTEL_SDK_DISABLED turns everything off', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', MEDIAMESH_METRICS_PORT: '0' };
    expect(loadTelemetryConfig(env, entry)).toMatchObject({ tracing: true, metrics: true, metricsEndpoint: true });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://j:4318/v1/traces' }, entry).tracing).toBe(true);
    expect(loadTelemetryConfig({ ...env, OTEL_SDK_DISABLED: 'TRUE' }, entry)).toMatchObject({ tracing: false, metrics: false });
    // The spec's rule: anything but "true" leaves the SDK enabled.
    expect(loadTelemetryConfig({ ...env, OTEL_SDK_DISABLED: 'maybe' }, entry).tracing).toBe(true);
  });

  it("keeps the gateway's meter running for its own /metrics route, with or without the SDK", () => {
    const gateway = '/x/dist/services/gateway/main.js';
    expect(loadTelemetryConfig({}, gateway)).toMatchObject({ metrics: true, metricsEndpoint: false });
    expect(loadTelemetryConfig({ OTEL_SDK_DISABLED: 'true' }, gateway)).toMatchObject({ tracing: false, metrics: true, metricsEndpoint: false });
  });

  it('takes the service name, instance id, version and zone from the environment', () => {
    const c = loadTelemetryConfig({ MEDIAMESH_SERVICE_NAME: 'video', MEDIAMESH_INSTANCE_ID: 'video-7', MEDIAMESH_VERSION: 'v2', MEDIAMESH_ZONE: 'zone-b' }, entry);
    expect(c).toMatchObject({ service: 'video', instanceId: 'video-7', version: 'v2', zone: 'zone-b' });
  });

  it('accepts "off" and a port for MEDIAMESH_METRICS_PORT', () => {
    expect(loadTelemetryConfig({ MEDIAMESH_METRICS_PORT: 'off' }, entry).metrics).toBe(false);
    expect(loadTelemetryConfig({ MEDIAMESH_METRICS_PORT: '9464' }, entry).settings.metricsPort).toBe(9464);
  });

  it.each([
    ['MEDIAMESH_METRICS_PORT', '70000'],
    ['MEDIAMESH_SERVICE_NAME', 'Image Service'],
    ['MEDIAMESH_METRICS_HOST', 'not a host'],
  ])('a bad %s names the variable', (name, value) => {
    let err: unknown;
    try {
      loadTelemetryConfig({ [name]: value }, entry);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
  });
});
