/**
 * resolveJobSpec validates a submitted JobSpec and fixes everything a later attempt
 * needs (typed work parsed from fop, output bucket and prefix), so every attempt of
 * the job (the first and any takeover) does exactly the same work to the same keys.
 */
import type { JobSpec } from '../../../generated/mediamesh/video/v1/video';
import { parseVideoFop, validateAvthumb, validateHls } from '../../../fop';
import type { ResolvedWork } from './job-work';

/** ResolvedSpec is a job spec ready to run. */
export interface ResolvedSpec {
  readonly spec: JobSpec;
  readonly work: ResolvedWork;
}

/** resolveJobSpec returns the resolved spec or every error found. */
export function resolveJobSpec(spec: JobSpec | undefined, id: string): { ok: true; value: ResolvedSpec } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (!spec) return { ok: false, errors: ['spec: required'] };
  const src = spec.source;
  if (!src?.bucket) errors.push('source.bucket: required (jobs read storage objects only)');
  if (!src?.key) errors.push('source.key: required');
  let work: ResolvedWork | undefined;
  if (spec.fop) {
    const parsed = parseVideoFop(spec.fop);
    if (!parsed.ok) errors.push(...parsed.errors.map((e) => `fop: ${e}`));
    else if (parsed.value.$case === 'avthumb' || parsed.value.$case === 'hls') work = parsed.value;
    else errors.push(`fop: "${parsed.value.$case}" is not job work (use avthumb/... or hls)`);
  } else if (spec.work) {
    work = spec.work;
  } else {
    errors.push('work: required (avthumb or hls, or fop)');
  }
  if (work?.$case === 'avthumb') errors.push(...validateAvthumb(work.value));
  if (work?.$case === 'hls') errors.push(...validateHls(work.value));
  const outKey = spec.output?.key || `video-jobs/${id}`;
  if (/(^|\/)\.\.?(\/|$)/.test(outKey) || outKey.startsWith('/') || outKey.endsWith('/')) errors.push(`output.key: "${outKey}" must be a relative key prefix without "." or ".." segments or a trailing "/"`);
  if (spec.notifyUrl && !/^https?:\/\/[^\s]+$/.test(spec.notifyUrl)) errors.push(`notify_url: expected an http(s) URL, got "${spec.notifyUrl}"`);
  if (errors.length || !work) return { ok: false, errors };
  const resolved: JobSpec = {
    ...spec,
    work,
    output: { bucket: spec.output?.bucket || src!.bucket, key: outKey },
  };
  return { ok: true, value: { spec: resolved, work } };
}
