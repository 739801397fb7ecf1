/**
 * createChangeSignal: "something under this topic changed", carried by ZooKeeper. A writer bumps
 * the persistent znode <base>/changes/<topic> (setData) after each change it commits; readers
 * watch it and drop what they derived from the topic's old state. The storage service publishes
 * one topic per bucket (`buckets/<bucket>`) on every object written or deleted; gateways watch the
 * buckets whose etags they hold.
 *
 * A signal is a hint, never a dependency of the data path: publish() returns at once and never
 * throws; with ZooKeeper unreachable the bump is kept and sent on the next connection, and a
 * reader bounds its staleness by its own TTL meanwhile. Bumps of one topic are coalesced (at most
 * one in flight and one pending), so a burst of writes costs ZooKeeper two writes, not one each.
 *
 * A watcher hears of every change after its watch is armed, and once when it is first armed
 * (or re-armed on a new session): what happened before that is unknown to it, so it drops what it
 * derived until then. That closes the gap between learning something and the watch's first read.
 */
import { createLogger, type Logger } from '../../core/log';
import { isZkError } from './errors';
import { NAME_PATTERN } from './paths';
import type { ZkSession } from './zk-session';

export interface ChangeSignalOptions {
  readonly session: ZkSession;
  /** Base path (default /mediamesh). */
  readonly basePath?: string;
  readonly log?: Logger;
}

/** ChangeSignal publishes and watches change topics. */
export interface ChangeSignal {
  /** publish bumps the topic's znode in the background (fire-and-forget). */
  publish(topic: string): void;
  /** watch calls onChange on its first read and on every bump after it (see the module comment); returns unsubscribe. */
  watch(topic: string, onChange: () => void): () => void;
}

/** changesRoot is the folder of every topic's znode. */
export const changesRoot = (base: string): string => `${base.replace(/\/+$/, '')}/changes`;

/** topicPath is a topic's znode; a topic is one or more `/`-separated znode names (`buckets/demo`). */
export function topicPath(base: string, topic: string): string {
  const parts = topic.split('/');
  if (!parts.every((p) => NAME_PATTERN.test(p))) throw new Error(`change topic ${JSON.stringify(topic)}: every segment must match ${NAME_PATTERN}`);
  return `${changesRoot(base)}/${topic}`;
}

/** createChangeSignal works over an existing session (its owner closes it). */
export function createChangeSignal(opts: ChangeSignalOptions): ChangeSignal {
  const { session } = opts;
  const base = opts.basePath ?? '/mediamesh';
  const log = opts.log ?? createLogger({ component: 'change-signal' });
  const inFlight = new Set<string>();
  const pending = new Set<string>();

  const bump = async (path: string) => {
    const data = Buffer.from(String(Date.now()));
    try {
      await session.setData(path, data);
    } catch (err) {
      if (!isZkError(err, 'NO_NODE')) throw err;
      await session.mkdirp(path);
      await session.setData(path, data);
    }
  };

  const send = (topic: string) => {
    if (inFlight.has(topic)) return void pending.add(topic);
    inFlight.add(topic);
    pending.delete(topic);
    bump(topicPath(base, topic)).then(
      () => {
        inFlight.delete(topic);
        if (pending.has(topic)) send(topic);
      },
      (err: unknown) => {
        inFlight.delete(topic);
        // Kept for the next connection; a reader's TTL bounds what it misses meanwhile.
        pending.add(topic);
        log.debug('change signal not sent; kept for the next connection', { topic, err: err instanceof Error ? err.message : String(err) });
        if (session.isConnected()) setTimeout(() => pending.has(topic) && !inFlight.has(topic) && send(topic), 500).unref();
      },
    );
  };

  session.onState((state) => {
    if (state === 'connected') for (const topic of [...pending]) if (!inFlight.has(topic)) send(topic);
  });

  return {
    publish(topic) {
      try {
        topicPath(base, topic);
      } catch (err) {
        return log.warn('change signal not sent: bad topic', { topic, err: (err as Error).message });
      }
      send(topic);
    },
    // zk-watches delivers the first read and every change after it (equal values dropped).
    watch: (topic, onChange) => session.watchData(topicPath(base, topic), () => onChange()),
  };
}
