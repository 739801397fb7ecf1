import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { INSTANCE_HEADER, serverCallInterceptor, type ServerCallObserver } from './server-call-interceptor';

// A real grpc-js server and client in this process, with raw-bytes methods.
const raw = (b: Buffer) => b;
const definition: grpc.ServiceDefinition = {
  echo: { path: '/t.v1.T/Echo', requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
};
type Client = grpc.Client & { echo(req: Buffer, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientUnaryCall };
const Client = grpc.makeGenericClientConstructor(definition, 'T') as unknown as new (address: string, creds: grpc.ChannelCredentials) => Client;

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

/** The log the observers and the handler write, in order. */
let log: string[] = [];

async function serve(observers: ServerCallObserver[]): Promise<Client> {
  log = [];
  const server = new grpc.Server({ interceptors: [serverCallInterceptor('i-9', observers)] });
  server.addService(definition, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      log.push('handler');
      if (call.request.toString() === 'slow') return void setTimeout(() => cb(null, call.request), 500);
      if (call.request.toString() === 'missing') return cb({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
      cb(null, call.request);
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  stops.push(() => client.close(), () => server.forceShutdown());
  return client;
}

const observer = (name: string, opts: { skip?: boolean } = {}): ServerCallObserver => ({
  onCall(path, metadata) {
    log.push(`${name} call ${path} ${String(metadata.get('who')[0] ?? '')}`);
    if (opts.skip) return undefined;
    return { end: (code, details) => log.push(`${name} end ${code} ${details}`) };
  },
});

function call(client: Client, body: string, md = new grpc.Metadata()) {
  return new Promise<{ code: number; instance: unknown }>((resolve) => {
    let instance: unknown;
    const c = client.echo(Buffer.from(body), md, (err) => resolve({ code: err?.code ?? 0, instance }));
    c.on('metadata', (m) => (instance = m.get(INSTANCE_HEADER)[0]));
  });
}

describe('serverCallInterceptor', () => {
  it('runs every observer at a call\'s start, in order, and once at its end', async () => {
    const client = await serve([observer('a'), observer('b')]);
    const md = new grpc.Metadata();
    md.set('who', 'me');
    expect(await call(client, 'hi', md)).toEqual({ code: 0, instance: 'i-9' });
    expect(log).toEqual(['a call /t.v1.T/Echo me', 'b call /t.v1.T/Echo me', 'handler', 'a end 0 OK', 'b end 0 OK']);

    await call(client, 'missing');
    expect(log.filter((l) => l.includes(' end ')).slice(-2)).toEqual([`a end ${grpc.status.NOT_FOUND} no such thing`, `b end ${grpc.status.NOT_FOUND} no such thing`]);
  });

  it('ends a call the client cancels as CANCELLED, once; an observer may skip a call', async () => {
    const client = await serve([observer('a'), observer('skipper', { skip: true })]);
    const c = client.echo(Buffer.from('slow'), new grpc.Metadata(), () => {});
    await new Promise((r) => setTimeout(r, 100));
    c.cancel();
    await new Promise((r) => setTimeout(r, 700)); // the handler still answers after the cancel
    expect(log.filter((l) => l.includes(' end '))).toEqual([`a end ${grpc.status.CANCELLED} cancelled by the caller`]);
    expect(log.filter((l) => l.startsWith('skipper') && !l.includes(' call '))).toEqual([]);
  });

  it('stamps the instance header without observers', async () => {
    const client = await serve([]);
    expect(await call(client, 'hi')).toEqual({ code: 0, instance: 'i-9' });
  });
});
