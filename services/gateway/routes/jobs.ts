/**
 * Video jobs over HTTP. POST /v1/jobs (admin token, optional Idempotency-Key header)
 *   {source:{bucket,key}, fop:"avthumb/mp4/..."|"hls[/...]", output:{bucket,key}, notifyUrl}
 * → {id}; GET /v1/jobs/{id} → Qiniu prefop-like status JSON built from VideoService.GetJob
 * (code 0 done, 1 waiting, 2 processing, 3 failed).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatVideoOperation, parseVideoFop } from '../../../fop';
import { JobState, type Job, type JobSpec } from '../../../generated/mediamesh/video/v1/video';
import { validateObjectName, validateBucketName, validateKey } from '../../storage/names';
import type { GatewayContext } from '../context';
import { badRequest } from '../errors';
import { unary } from '../upstreams';
import { readJsonBody, stringField } from './json-body';

const JOB_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

/** submitJobRoute handles POST /v1/jobs. */
export function submitJobRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.checker.checkAdmin(req.headers.authorization);
    const body = await readJsonBody(req);
    const errors: string[] = [];
    const bucket = stringField(body, 'source.bucket', errors);
    const key = stringField(body, 'source.key', errors);
    const fop = stringField(body, 'fop', errors);
    const outBucket = stringField(body, 'output.bucket', errors, false);
    const outKey = stringField(body, 'output.key', errors, false);
    const notifyUrl = stringField(body, 'notifyUrl', errors, false);
    if (bucket && key) {
      const v = validateObjectName(bucket, key);
      if (!v.ok) errors.push(...v.errors.map((e) => `source.${e}`));
    }
    if (outBucket) {
      const v = validateBucketName(outBucket, 'output.bucket');
      if (!v.ok) errors.push(...v.errors);
    }
    if (outKey) {
      const v = validateKey(outKey, 'output.key');
      if (!v.ok) errors.push(...v.errors);
    }
    // Parsed once here; the video service gets the typed work.
    let work: JobSpec['work'];
    if (fop) {
      const v = parseVideoFop(fop);
      if (!v.ok) errors.push(...v.errors.map((e) => `fop: ${e}`));
      else if (v.value.$case !== 'avthumb' && v.value.$case !== 'hls') errors.push(`fop: jobs run avthumb or hls, not ${v.value.$case}`);
      else work = v.value;
    }
    if (notifyUrl && !/^https?:\/\/[^\s]+$/.test(notifyUrl)) errors.push('notifyUrl: expected an http(s) URL');
    if (errors.length) throw badRequest(errors.join('; '));
    const video = ctx.upstreams.video;
    // Every submission carries an idempotency key, so the mesh's retry of a SubmitJob whose video instance died after
    // recording the job answers that job instead of making a second. The caller's own key (the Idempotency-Key header
    // of Stripe and the IETF httpapi draft) makes its retries of this POST safe too; without one, a key per request.
    const header = req.headers['idempotency-key'];
    const idempotencyKey = typeof header === 'string' && header !== '' ? header : randomUUID();
    const res = await unary(
      video,
      video.submitJob,
      { spec: { source: { bucket, key }, work, fop: '', output: { bucket: outBucket || bucket, key: outKey }, notifyUrl }, idempotencyKey },
      ctx.config.upstreamTimeoutMs,
    );
    return reply.header('cache-control', 'no-store').send({ id: res.id });
  };
}

/** getJobRoute handles GET /v1/jobs/:id. */
export function getJobRoute(ctx: GatewayContext) {
  return async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const id = req.params.id;
    if (!JOB_ID_RE.test(id)) throw badRequest('job id: expected 1-128 characters of A-Z a-z 0-9 . _ -');
    const video = ctx.upstreams.video;
    const res = await unary(video, video.getJob, { id }, ctx.config.upstreamTimeoutMs);
    return reply.header('cache-control', 'no-store').send(toQiniuStatus(res.job!));
  };
}

const STATUS: Record<number, { code: number; desc: string }> = {
  [JobState.JOB_STATE_SUBMITTED]: { code: 1, desc: 'The fop is waiting for execution' },
  [JobState.JOB_STATE_RUNNING]: { code: 2, desc: 'The fop is executing now' },
  [JobState.JOB_STATE_COMPLETED]: { code: 0, desc: 'The fop was completed successfully' },
  [JobState.JOB_STATE_FAILED]: { code: 3, desc: 'The fop is failed' },
};

/** toQiniuStatus folds a Job into Qiniu's prefop status shape (plus percent and attempts). */
export function toQiniuStatus(job: Job) {
  const s = STATUS[job.state] ?? { code: 1, desc: 'The fop is waiting for execution' };
  const outputs = job.outputs.map((o) => o.key);
  return {
    id: job.id,
    code: s.code,
    desc: s.desc,
    inputBucket: job.spec?.source?.bucket ?? '',
    inputKey: job.spec?.source?.key ?? '',
    percent: job.percent,
    attempts: job.attempts,
    items: [
      {
        // A typed submission (the gateway's own) is shown in its URL form.
        cmd: job.spec?.fop || (job.spec?.work ? formatVideoOperation(job.spec.work) : ''),
        code: s.code,
        desc: s.desc,
        error: job.error,
        key: outputs[0] ?? '',
        keys: outputs,
        outputBucket: job.outputs[0]?.bucket ?? job.spec?.output?.bucket ?? '',
        returnOld: 0,
      },
    ],
  };
}
