/**
 * readHeadThenChunks: the client side of a server stream whose first message is a head
 * (GetObject's ObjectHead, Transcode's TranscodeHead) and whose others are byte chunks.
 * It waits for the head and returns it with the remaining chunks as a byte Readable that
 * pulls a message only when its reader wants more (backpressure to the server). Errors
 * before the head reject; errors after it destroy the byte stream; a reader that stops
 * early cancels the call.
 */
import * as grpc from '@grpc/grpc-js';
import { Readable } from 'node:stream';
import { MeshError } from '../../core/errors';

/** Part is the oneof of such a stream's messages. */
export type Part<H> = { $case: 'head'; value: H } | { $case: 'chunk'; value: Uint8Array } | undefined;

/** HeadMessages names what went wrong when the head is missing (the default suits any stream). */
export interface HeadMessages {
  readonly bytesFirst: string;
  readonly noHead: string;
}

const DEFAULT_MESSAGES: HeadMessages = {
  bytesFirst: 'upstream stream did not start with a head message',
  noHead: 'upstream stream did not start with a head message',
};

/** readHeadThenChunks returns the head and the chunks after it. */
export async function readHeadThenChunks<H>(
  call: grpc.ClientReadableStream<{ part?: Part<H> }>,
  messages: HeadMessages = DEFAULT_MESSAGES,
): Promise<{ head: H; body: Readable }> {
  const it = call[Symbol.asyncIterator]() as AsyncIterator<{ part?: Part<H> }>;
  let first: IteratorResult<{ part?: Part<H> }>;
  try {
    first = await it.next();
  } catch (err) {
    throw MeshError.from(err);
  }
  if (first.done || first.value.part?.$case !== 'head') {
    call.cancel();
    throw new MeshError(grpc.status.INTERNAL, first.done ? messages.noHead : messages.bytesFirst);
  }
  const head = first.value.part.value;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        const part = next.value.part;
        if (part?.$case === 'chunk') yield Buffer.from(part.value.buffer, part.value.byteOffset, part.value.length);
      }
    } finally {
      // Runs when the reader stops early too: stop the upstream call.
      call.cancel();
    }
  }
  return { head, body: Readable.from(chunks(), { objectMode: false }) };
}
