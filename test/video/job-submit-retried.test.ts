/**
 * A SubmitJob repeated after its video instance recorded the job, on the real mesh (ZooKeeper,
 * control plane with the policy `npm start` seeds, gateway, storage and video processes), with
 * both data planes. The dying instance is a real video process with test/harness/die-mid-response.ts
 * preloaded: it records the job, then kills itself (SIGKILL) on its first SubmitJob
 * - before its response headers: the caller gets UNAVAILABLE and the video `retry` policy of
 *   deploy/mesh-policy.local.yaml makes the call again on the other instance (grpc-js proxyless,
 *   or the gateway's Envoy sidecar);
 * - after its headers and message, before the status: the call is committed, no policy repeats it;
 *   the cut-response retry of every mesh client does, for a SubmitJob that carries a key.
 * The gateway sends every SubmitJob with an idempotency key, so the repeat answers the job the dead
 * instance recorded: one job per POST /v1/jobs, each answered 200 and run to its end once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distEntry } from '../../core/paths';
import { JobState } from '../../generated/mediamesh/video/v1/video';
import { startMesh, type LocalMesh, type MeshProcess } from '../../launcher/mesh';
import { createZkSession, type ZkSession } from '../../mesh/registry';
import { foldJob } from '../../services/video/jobs/job-events';
import { createJobStore, type JobStore } from '../../services/video/jobs/job-store';
import { makeSampleVideo } from '../../services/video/sample';
import { eventually } from '../control-plane/fixtures/mesh-fixture';

const SUBMIT_JOB = '/mediamesh.video.v1.VideoService/SubmitJob';

for (const meshMode of ['proxyless', 'envoy'] as const) {
  describe(`POST /v1/jobs while a video instance dies after recording the job (${meshMode})`, () => {
    let mesh: LocalMesh;
    let session: ZkSession;
    let jobs: JobStore;
    const auth = () => ({ authorization: `Bearer ${mesh.adminToken}` });

    beforeAll(async () => {
      // One image instance: the gateway is ready only with every upstream. A short ZooKeeper session: a job leased by the dead instance (if it got that far) is taken over within seconds.
      mesh = await startMesh({ meshMode, images: 1, env: { MEDIAMESH_VIDEO_ZK_SESSION_TIMEOUT_MS: '2000', MEDIAMESH_VIDEO_JOB_RESCAN_MS: '1000' } });
      const gw = mesh.gateway!.url;
      const bucket = await fetch(`${gw}/v1/buckets`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'media', visibility: 'public' }) });
      expect(bucket.status, await bucket.text()).toBeLessThan(300);
      const clip = path.join(mesh.home, 'clip.mp4');
      await makeSampleVideo(clip, { seconds: 2 });
      const put = await fetch(`${gw}/media/clip.mp4`, { method: 'PUT', headers: { ...auth(), 'content-type': 'video/mp4' }, body: fs.readFileSync(clip) });
      expect(put.status, await put.text()).toBeLessThan(300);
      // The gateway's data plane asks for the video routes with its first video call: make one.
      expect((await fetch(`${gw}/v1/jobs/j000000000deadbeef`)).status).toBe(404);
      session = createZkSession({ connectString: mesh.env.MEDIAMESH_ZK! });
      expect(await session.waitConnected(10_000)).toBe(true);
      jobs = createJobStore(session, '/mediamesh');
    }, 180_000);

    afterAll(async () => {
      await session?.close();
      await mesh?.stop();
    });

    /** gatewayHolds waits until the gateway's data plane routes to this instance (ACKED EDS). */
    const gatewayHolds = async (p: MeshProcess) => {
      const node = meshMode === 'envoy' ? 'gateway-1-envoy' : 'gateway-1';
      const port = p.sidecar?.inboundPort ?? p.port;
      await eventually(async () => {
        const dump = (await (await fetch(`http://127.0.0.1:${mesh.controlPlane.statusPort}/config_dump?node=${node}`)).json()) as { streams: { configs: { EDS?: { status: string; resources: unknown[] } } }[] };
        // grpc-js opens an xDS stream per channel (storage, image, video): the video one is somewhere among them.
        const video = dump.streams.map((s) => s.configs.EDS).filter((e) => e?.status === 'ACKED' && JSON.stringify(e.resources).includes('"cluster_name":"video"'));
        expect(JSON.stringify(video)).toContain(`"port_value":${port}`);
      }, 30_000, 100);
    };

    /** submitUntilDead POSTs small jobs until the dying instance got one (and died of it); every POST must answer 200. */
    async function submitUntilDead(dying: MeshProcess, name: string): Promise<string[]> {
      let dead = false;
      void dying.exited.then(() => (dead = true));
      const ids: string[] = [];
      for (let i = 0; i < 20 && !dead; i++) {
        const body = { source: { bucket: 'media', key: 'clip.mp4' }, fop: 'avthumb/m4a', output: { bucket: 'media', key: `out/${name}-${i}` } };
        const res = await fetch(`${mesh.gateway!.url}/v1/jobs`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, await res.clone().text()).toBe(200);
        ids.push(((await res.json()) as { id: string }).id);
      }
      expect(dead, 'the dying instance got a SubmitJob').toBe(true);
      expect(await dying.exited).toBe('SIGKILL');
      return ids;
    }

    /** runsOnce waits for each job's end and checks it completed exactly once. */
    async function runsOnce(ids: string[]): Promise<void> {
      for (const id of ids) {
        const events = await eventually(async () => {
          const e = await jobs.events(id);
          expect(foldJob(id, e).state).toBe(JobState.JOB_STATE_COMPLETED);
          return e;
        }, 60_000, 250);
        expect(events.filter((e) => e.event?.$case === 'completed')).toHaveLength(1);
      }
    }

    for (const at of ['headers', 'status'] as const) {
      it(`dying before its response ${at === 'headers' ? 'headers (the mesh retry policy repeats the call)' : 'status (the cut-response retry repeats it)'}: one job per POST`, async () => {
        const before = await jobs.listIds();
        const dying = await mesh.startInstance('video', {
          instanceId: `video-dies-${at}`,
          env: { NODE_OPTIONS: `--require ${distEntry('test/harness/die-mid-response.ts')}`, DIE_MID_RESPONSE_METHOD: SUBMIT_JOB, DIE_MID_RESPONSE_AT: at },
        });
        await gatewayHolds(dying);
        const ids = await submitUntilDead(dying, at);
        expect((await jobs.listIds()).filter((id) => !before.includes(id)).sort()).toEqual([...ids].sort());
        await runsOnce(ids);
      }, 150_000);
    }
  });
}
