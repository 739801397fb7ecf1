/**
 * createSampler builds the sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG name (already
 * validated by config.ts). The default, parentbased_always_on, follows the caller's sampled flag and
 * samples every root: a trace started by a client's own `traceparent` is never cut in half.
 */
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { SamplerName } from './config';

/** createSampler maps a spec sampler name and ratio to an SDK sampler. */
export function createSampler(name: SamplerName, ratio: number): Sampler {
  // Loaded here, not at the top: start.ts must stay cheap when tracing is off.
  const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const root = (n: 'always_on' | 'always_off' | 'traceidratio'): Sampler =>
    n === 'always_on' ? new sdk.AlwaysOnSampler() : n === 'always_off' ? new sdk.AlwaysOffSampler() : new sdk.TraceIdRatioBasedSampler(ratio);
  switch (name) {
    case 'always_on':
    case 'always_off':
    case 'traceidratio':
      return root(name);
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: root('always_on') });
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: root('always_off') });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: root('traceidratio') });
  }
}
