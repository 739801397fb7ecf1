/** `mediamesh call`: one gRPC call through the mesh, JSON in and out. */
import * as grpc from '@grpc/grpc-js';
import { MESH_TARGET_OPTIONS, meshTarget } from '../mesh-target';
import { callDynamic, findMethod, listMethods } from '../../client';
import { UsageError, type Command } from '../command';

export const command: Command = {
  summary: 'call a mesh method with a JSON request, e.g. mediamesh call image.Info \'{...}\'',
  usage: `usage: mediamesh call <service>.<Method> ['<json request>'] [--xds host:port | --target host:port]
                       [--header name=value]... [--timeout 30s] [--list]
Calls through the mesh like a service would: xds:///<service> with a bootstrap for
--xds (or MEDIAMESH_XDS_SERVER, or GRPC_XDS_BOOTSTRAP), or straight to --target.
The request is proto3 JSON (camelCase fields, bytes as base64); responses print as JSON,
one per line for streaming methods. Example:
  mediamesh call image.Info '{"source":{"object":{"bucket":"demo","key":"sample.jpg"}}}' --xds 127.0.0.1:18000
--list prints every method.`,
  options: { ...MESH_TARGET_OPTIONS, header: { type: 'string', multiple: true }, timeout: { type: 'string' }, list: { type: 'boolean' } },
  positionals: 2,
  async run(p) {
    if (p.flags.list) {
      process.stdout.write(listMethods().join('\n') + '\n');
      return 0;
    }
    const spec = p.positional[0];
    if (!spec) throw new UsageError('name the method, e.g. image.Info (see --list)');
    let method;
    try {
      method = findMethod(spec);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let request: unknown = {};
    if (p.positional[1] !== undefined) {
      try {
        request = JSON.parse(p.positional[1]);
      } catch (err) {
        throw new UsageError(`the request is not JSON: ${(err as Error).message}`);
      }
    }
    const timeout = typeof p.flags.timeout === 'string' ? /^(\d+)(ms|s)$/.exec(p.flags.timeout) : null;
    if (p.flags.timeout !== undefined && !timeout) throw new UsageError('--timeout takes e.g. 500ms or 30s');
    const deadlineMs = timeout ? Number(timeout[1]) * (timeout[2] === 's' ? 1000 : 1) : 30_000;
    const metadata: Record<string, string> = {};
    for (const h of (p.flags.header ?? []) as string[]) {
      const eq = h.indexOf('=');
      if (eq <= 0) throw new UsageError('--header takes name=value');
      metadata[h.slice(0, eq).toLowerCase()] = h.slice(eq + 1);
    }
    const { target, options } = meshTarget(p, method.meshService);
    const client = new grpc.Client(target, grpc.credentials.createInsecure(), options);
    try {
      const print = (msg: unknown) => process.stdout.write(JSON.stringify(msg, null, 2) + '\n');
      const out = await callDynamic(client, method, request, { deadlineMs, metadata, onMessage: method.definition.responseStream ? print : undefined });
      for (const msg of out) print(msg);
      return 0;
    } catch (err) {
      const e = err as grpc.ServiceError;
      process.stderr.write(`mediamesh call ${method.fullName}: ${e.code !== undefined ? `${grpc.status[e.code]} (${e.code}): ${e.details}` : e.message}\n`);
      return 1;
    } finally {
      client.close();
    }
  },
};
