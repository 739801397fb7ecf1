/**
 * serveOperation: GET /{bucket}/{key}?<operation> routed by the operation's family
 * (fop/ is the one parser, and the URL is parsed once: typed operations go upstream):
 * image pipelines go to ImageService.Process, which fetches the source from storage itself; avinfo/vframe/avthumb go to the video service. Order:
 * signature when the bucket is private (401, from the bucket directory, the one source of
 * visibility) → the operation (400, before any call that does work) → the work. Results carry an ETag derived from the source's etag and the
 * operation, so a repeat request with If-None-Match gets 304 without any processing.
 *
 * Every operation is a pure function of the stored object; a call cut by a dying instance is
 * made again by the mesh (its retry policy, and the cut-response retry of every mesh client),
 * never here: one layer per kind of failure (mesh/client/index.ts).
 *
 * An image request without If-None-Match makes no StatObject of its own: the image service
 * reports the source's etag with the result (one hop fewer per request). Image results go
 * through the results cache (result-cache/): a hit makes no call at all (X-Cache: HIT), and
 * identical requests in flight share one Process call (X-Cache: MISS). The signature check of a
 * private bucket comes first, so a cached private result is never served without it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as grpc from '@grpc/grpc-js';
import { negotiatesFormat, parseFop } from '../../../fop';
import type { Source } from '../../../generated/mediamesh/common/v1/common';
import type { TranscodeHead } from '../../../generated/mediamesh/video/v1/video';
import type { GatewayContext } from '../context';
import { badRequest } from '../errors';
import { derivedEtag, ifNoneMatchHits, quoteEtag } from '../http-util';
import { cacheControlFor, checkSignature, statFor } from '../object-access';
import { MeshError, Status } from '../../runtime';
import { readHeadThenChunks } from '../../../mesh/client';
import { unary } from '../upstreams';

export interface OperationTarget {
  readonly bucket: string;
  readonly key: string;
  readonly command: string;
}

/** serveOperation answers one operation request. */
export async function serveOperation(ctx: GatewayContext, req: FastifyRequest, reply: FastifyReply, t: OperationTarget) {
  const isPrivate = await checkSignature(ctx, req, t.bucket);
  // The one parse of the URL's operations: what goes upstream is typed.
  const parsed = parseFop(t.command);
  if (parsed.family === 'unknown') throw badRequest(`unknown command ${JSON.stringify(parsed.command.slice(0, 64))}: expected an image or video operation such as imageView2/1/w/200`);
  if (!parsed.result.ok) throw badRequest(parsed.result.errors.join('; '));

  let negotiation = '';
  // format/auto picks the output by Accept: the tag and caches must vary with it.
  if (parsed.family === 'image' && negotiatesFormat(parsed.result.value)) {
    negotiation = String(req.headers.accept ?? '');
    reply.header('vary', 'Accept');
  }

  const source: Source = { kind: { $case: 'object', value: { bucket: t.bucket, key: t.key } } };
  const timeout = ctx.config.upstreamTimeoutMs;
  const tagged = (etag: string) =>
    reply.header('etag', quoteEtag(derivedEtag(etag, parsed.fop, negotiation))).header('cache-control', cacheControlFor(ctx, isPrivate));

  // A conditional request (and any video one) looks the object up first (or knows its etag): a 304 costs no processing.
  const conditional = req.headers['if-none-match'] !== undefined;
  let sourceEtag: string | undefined;
  if (conditional || parsed.family !== 'image') {
    sourceEtag = parsed.family === 'image' ? ctx.results.knownEtag(t.bucket, t.key) : undefined;
    if (!sourceEtag) {
      const before = ctx.results.epoch(t.bucket);
      sourceEtag = (await statFor(ctx, t.bucket, t.key)).info!.etag;
      ctx.results.learned(t.bucket, t.key, sourceEtag, before);
    }
    tagged(sourceEtag);
    if (ifNoneMatchHits(req.headers['if-none-match'], derivedEtag(sourceEtag, parsed.fop, negotiation))) return reply.code(304).send();
  }

  if (parsed.family === 'image') {
    const image = ctx.upstreams.image;
    const operations = parsed.result.value;
    const accept = String(req.headers.accept ?? '');
    const { result, hit } = await ctx.results.serve({ bucket: t.bucket, key: t.key, operations, accept }, async (knownEtag) => {
      // The etag the gateway knows lets the image service use the source it read lately without reading storage.
      const res = await unary(image, image.process, { source, operations, fop: '', accept, sourceEtag: knownEtag ?? sourceEtag ?? '' }, timeout);
      if (!res.sourceObject) throw new MeshError(Status.INTERNAL, 'the image service did not report the source object of its result');
      return { data: res.data, contentType: res.contentType, sourceEtag: res.sourceObject.etag };
    });
    // The result's own source etag (a write may have come between a stat and the result).
    tagged(result.sourceEtag);
    if (ctx.results.enabled) reply.header('x-cache', hit ? 'HIT' : 'MISS');
    return reply.header('content-type', result.contentType).header('content-length', String(result.data.length)).send(req.method === 'HEAD' ? undefined : result.data);
  }

  const video = ctx.upstreams.video;
  const op = parsed.result.value;
  switch (op.$case) {
    case 'avinfo': {
      const res = await unary(video, video.probe, { source }, timeout);
      return reply.header('content-type', 'application/json; charset=utf-8').send(res.json);
    }
    case 'vframe': {
      const res = await unary(video, video.snapshot, { source, vframe: op.value, fop: '' }, timeout);
      return reply.header('content-type', res.contentType).header('content-length', String(res.data.length)).send(req.method === 'HEAD' ? undefined : res.data);
    }
    case 'avthumb': {
      // Streamed as ffmpeg produces it; the length is unknown up front.
      const { head, body } = await readHeadThenChunks<TranscodeHead>(
        video.transcode({ source, avthumb: op.value, fop: '' }, { deadline: Date.now() + timeout }) as grpc.ClientReadableStream<never>,
      );
      reply.header('content-type', head.contentType);
      if (req.method === 'HEAD') {
        body.destroy();
        return reply.send();
      }
      return reply.send(body);
    }
    default:
      // hls is job work (POST /v1/jobs), never a GET: classifyFop does not route it here.
      throw badRequest(`${parsed.command}: not an operation of GET /{bucket}/{key}`);
  }
}
