/**
 * Dynamic gRPC calls from JSON (the `mediamesh call` command): find a method by
 * `<service>.<Method>` (mesh service + method, e.g. image.Info) or
 * `<package.Service>/<Method>` in the protos under proto/, turn JSON into the request
 * with proto-loader (proto3 JSON field names, bytes as base64), call it through the mesh
 * and give back JSON. Unary and server-streaming methods.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoRoot } from '../../core/paths';

export interface DynamicMethod {
  /** Mesh service name (the `image` of mediamesh.image.v1). */
  readonly meshService: string;
  readonly fullName: string;
  readonly definition: protoLoader.MethodDefinition<object, object>;
}

function protoFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? protoFiles(p) : e.name.endsWith('.proto') ? [path.relative(protoRoot(), p)] : [];
  });
}

let pkg: protoLoader.PackageDefinition | undefined;
function loadAll(): protoLoader.PackageDefinition {
  pkg ??= protoLoader.loadSync(protoFiles(path.join(protoRoot(), 'mediamesh')), {
    includeDirs: [protoRoot()],
    keepCase: false,
    longs: String,
    enums: String,
    bytes: String,
    defaults: false,
    oneofs: false,
  });
  return pkg;
}

/** listMethods names every callable method as <service>.<Method>. */
export function listMethods(): string[] {
  const out: string[] = [];
  for (const [name, def] of Object.entries(loadAll())) {
    if (!('format' in def) && typeof def === 'object') {
      const m = /^mediamesh\.([a-z0-9_]+)\.v\d+\./.exec(name);
      for (const method of Object.keys(def)) out.push(`${m ? m[1] : name}.${method}`);
    }
  }
  return out.sort();
}

/** findMethod resolves a method spec; the error lists what exists. */
export function findMethod(spec: string): DynamicMethod {
  const all = loadAll();
  const slash = spec.indexOf('/');
  const [svcPart, method] = slash >= 0 ? [spec.slice(0, slash), spec.slice(slash + 1)] : [spec.slice(0, spec.lastIndexOf('.')), spec.slice(spec.lastIndexOf('.') + 1)];
  for (const [name, def] of Object.entries(all)) {
    if ('format' in def) continue;
    const m = /^mediamesh\.([a-z0-9_]+)\.v\d+\./.exec(name);
    const matches = slash >= 0 ? name === svcPart : m?.[1] === svcPart;
    const md = (def as protoLoader.ServiceDefinition)[method];
    if (matches && md) return { meshService: m ? m[1] : svcPart, fullName: `${name}/${method}`, definition: md as protoLoader.MethodDefinition<object, object> };
  }
  throw new Error(`no method ${JSON.stringify(spec)}; known: ${listMethods().join(', ')}`);
}

/** callDynamic calls method on target with a JSON request; resolves with the JSON response(s). */
export function callDynamic(
  client: grpc.Client,
  m: DynamicMethod,
  request: unknown,
  opts: { deadlineMs: number; metadata?: Record<string, string>; onMessage?: (msg: unknown) => void },
): Promise<unknown[]> {
  const d = m.definition;
  if (d.requestStream) return Promise.reject(new Error(`${m.fullName} takes a client stream; \`mediamesh call\` sends single requests only`));
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(opts.metadata ?? {})) md.set(k, v);
  const deadline = Date.now() + opts.deadlineMs;
  let req: Buffer;
  try {
    req = d.requestSerialize(request as object);
  } catch (err) {
    return Promise.reject(new Error(`request does not fit ${m.fullName}'s request type: ${(err as Error).message}`));
  }
  const passthrough = (b: Buffer) => b;
  if (!d.responseStream)
    return new Promise((resolve, reject) =>
      client.makeUnaryRequest(d.path, passthrough, d.responseDeserialize, req, md, { deadline }, (err, res) => (err ? reject(err) : resolve([res]))),
    );
  return new Promise((resolve, reject) => {
    const out: unknown[] = [];
    const stream = client.makeServerStreamRequest(d.path, passthrough, d.responseDeserialize, req, md, { deadline });
    stream.on('data', (msg: unknown) => (opts.onMessage ? opts.onMessage(msg) : out.push(msg)));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}
