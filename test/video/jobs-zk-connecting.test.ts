/**
 * A video instance whose job-store ZooKeeper session is still connecting (a fresh start, a
 * ZooKeeper failover) waits briefly for it instead of answering UNAVAILABLE at once: here the
 * worker starts before ZooKeeper does, and a call sent before ZooKeeper is up gets a real answer.
 */
import { afterAll, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import type { VideoServiceClient } from '../../generated/mediamesh/video/v1/video';
import { freePort } from '../../launcher/ports';
import type { StartedService } from '../../launcher/process';
import { startZooKeeper, type ZooKeeperServer } from '../../launcher/zookeeper';
import { rpcError, startStorage, startVideo, videoClient, type Storage } from './support';

let zk: ZooKeeperServer | undefined;
let storage: Storage | undefined;
let video: StartedService | undefined;
let client: VideoServiceClient | undefined;

afterAll(async () => {
  client?.close();
  await video?.stop();
  await storage?.stop();
  await zk?.stop();
});

it('answers a job call sent while its ZooKeeper session is still connecting', async () => {
  const port = await freePort();
  storage = await startStorage();
  video = await startVideo(storage, { MEDIAMESH_ZK: `127.0.0.1:${port}`, MEDIAMESH_VIDEO_ZK_SESSION_TIMEOUT_MS: '2000', MEDIAMESH_DEREGISTER_DELAY_MS: '0' });
  client = videoClient(video.address);
  // Sent before ZooKeeper is even up: the call waits for the session (up to 3 s) instead of failing fast.
  const answer = rpcError(client, 'getJob', { id: 'j000000000deadbeef' });
  zk = await startZooKeeper({ port });
  expect((await answer).code).toBe(status.NOT_FOUND);
});
