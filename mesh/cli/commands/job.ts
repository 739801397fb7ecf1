/**
 * `mediamesh job`: submit a video job and watch it with a progress bar, or watch / show an
 * existing one. Jobs are event-sourced (Submitted, Started, Progress, Completed, Failed);
 * watching streams the log from the first event, so a late watcher still sees everything.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Job, JobEvent, JobState, VideoServiceClient } from '../../../generated/mediamesh/video/v1/video';
import { UsageError, type Command, type ParsedArgs } from '../command';
import { MESH_TARGET_OPTIONS, meshTarget } from '../mesh-target';

const USAGE = `usage: mediamesh job submit <bucket>/<key> --fop <hls|hls/360,720|avthumb/mp4/...> [--output <bucket>/<prefix>]
                           [--notify <url>] [--idempotency-key <key>] [--no-watch]
                                 the same key again within 24 h gives the same job (default: a new UUID per submit)
       mediamesh job watch <id>          stream the job's events with a progress bar until it ends
       mediamesh job status <id>         print the job's state (the fold of its events) as JSON
options: --xds host:port (default MEDIAMESH_XDS_SERVER, or the running local mesh) | --target host:port (a video instance)
Exit code: 0 when the job completed, 1 when it failed.`;

export const command: Command = {
  summary: 'submit a video job (HLS ladder, transcode) and watch its progress',
  usage: USAGE,
  options: { ...MESH_TARGET_OPTIONS, fop: { type: 'string' }, output: { type: 'string' }, notify: { type: 'string' }, 'idempotency-key': { type: 'string' }, 'no-watch': { type: 'boolean' } },
  positionals: 2,
  async run(p) {
    const [verb, arg] = p.positional;
    if (!verb || !['submit', 'watch', 'status'].includes(verb)) throw new UsageError('expected submit, watch or status');
    if (!arg) throw new UsageError(verb === 'submit' ? 'name the source as <bucket>/<key>' : 'name the job id');
    const client = dial(p);
    try {
      if (verb === 'status') {
        const job = await getJob(client, arg);
        process.stdout.write(JSON.stringify(Job.toJSON(job), null, 2) + '\n');
        return job.state === JobState.JOB_STATE_FAILED ? 1 : 0;
      }
      let id = arg;
      if (verb === 'submit') {
        id = await submit(client, p, arg);
        process.stdout.write(`job ${id}\n`);
        if (p.flags['no-watch']) return 0;
      }
      return await watch(client, id);
    } finally {
      client.close();
    }
  },
};

function dial(p: ParsedArgs): VideoServiceClient {
  const { target, options } = meshTarget(p, 'video');
  return new VideoServiceClient(target, grpc.credentials.createInsecure(), options);
}

function objectRef(text: string, what: string): { bucket: string; key: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) throw new UsageError(`${what}: expected <bucket>/<key>, got ${JSON.stringify(text)}`);
  return { bucket: text.slice(0, slash), key: text.slice(slash + 1) };
}

function submit(client: VideoServiceClient, p: ParsedArgs, source: string): Promise<string> {
  const fop = p.flags.fop;
  if (typeof fop !== 'string') throw new UsageError('--fop is required (hls, hls/360,720 or avthumb/mp4/...)');
  const output = typeof p.flags.output === 'string' ? objectRef(p.flags.output, '--output') : undefined;
  const notifyUrl = typeof p.flags.notify === 'string' ? p.flags.notify : '';
  const spec = { source: objectRef(source, 'source'), work: undefined, output, notifyUrl, fop };
  // A key per submit even when none is given: the mesh may retry the call on another instance (its retry policy),
  // and with the key that retry answers the job the first attempt recorded instead of making a second.
  const key = p.flags['idempotency-key'];
  const idempotencyKey = typeof key === 'string' && key !== '' ? key : randomUUID();
  return new Promise((resolve, reject) =>
    client.submitJob({ spec, idempotencyKey }, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (err, res) => (err ? reject(describe(err)) : resolve(res!.id))),
  );
}

function getJob(client: VideoServiceClient, id: string): Promise<Job> {
  return new Promise((resolve, reject) => client.getJob({ id }, (err, res) => (err ? reject(describe(err)) : resolve(res!.job!))));
}

/** watch prints every event and a progress bar; resolves with 0 (completed) or 1 (failed). */
function watch(client: VideoServiceClient, id: string): Promise<number> {
  const tty = process.stderr.isTTY;
  let lastBar = '';
  const bar = (percent: number) => {
    const filled = Math.round(percent / 5);
    const text = `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${percent.toFixed(1).padStart(5)}%`;
    if (text === lastBar) return;
    lastBar = text;
    process.stderr.write(tty ? `\r${text}` : `${text}\n`);
  };
  return new Promise((resolve, reject) => {
    let outcome = 1;
    const call = client.watchJob({ id, fromSequence: 0 });
    call.on('data', (msg: { event?: JobEvent }) => {
      const e = msg.event?.event;
      if (!e) return;
      if (e.$case === 'progress') return bar(e.value.percent);
      if (tty && lastBar) process.stderr.write('\n');
      lastBar = '';
      switch (e.$case) {
        case 'submitted':
          return void process.stdout.write(`submitted  ${e.value.spec?.fop || e.value.spec?.work?.$case || ''}\n`);
        case 'started':
          return void process.stdout.write(`started    worker ${e.value.worker}, attempt ${e.value.attempt}\n`);
        case 'completed':
          bar(100);
          outcome = 0;
          return void process.stdout.write(`${tty ? '\n' : ''}completed  ${e.value.outputs.map((o) => `${o.bucket}/${o.key}`).join(' ')}\n`);
        case 'failed':
          return void process.stdout.write(`failed     ${e.value.reason}\n`);
      }
    });
    call.on('error', (err) => reject(describe(err as grpc.ServiceError)));
    call.on('end', () => resolve(outcome));
  });
}

function describe(err: grpc.ServiceError): Error {
  return new Error(err.code !== undefined ? `${grpc.status[err.code]}: ${err.details}` : err.message);
}
