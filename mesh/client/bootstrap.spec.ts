import { describe, expect, it } from 'vitest';
import { createXdsBootstrap, ensureProcessBootstrap } from './bootstrap';

describe('xDS bootstrap for proxyless processes', () => {
  it('always carries node.locality (grpc-js refuses a node without it) and MESH_ROLE=proxyless', () => {
    const b = createXdsBootstrap({ server: '127.0.0.1:18000', nodeId: 'image-1' }) as any;
    expect(b.node).toEqual({ id: 'image-1', cluster: '', locality: {}, metadata: { MESH_ROLE: 'proxyless' } });
    expect(b.xds_servers[0].server_uri).toBe('127.0.0.1:18000');
  });

  it('is generated from MEDIAMESH_XDS_SERVER only when no bootstrap is configured', () => {
    const out: Record<string, string | undefined> = {};
    expect(ensureProcessBootstrap({ MEDIAMESH_XDS_SERVER: '10.0.0.1:18000', MEDIAMESH_INSTANCE_ID: 'gw-1', MEDIAMESH_ZONE: 'zone-b' }, out)).toBe('generated');
    expect(JSON.parse(out.GRPC_XDS_BOOTSTRAP_CONFIG!).node).toMatchObject({ id: 'gw-1', locality: { zone: 'zone-b' } });
    expect(ensureProcessBootstrap({ MEDIAMESH_XDS_SERVER: 'x:1' }, { GRPC_XDS_BOOTSTRAP: '/etc/b.json' })).toBe('explicit');
    expect(ensureProcessBootstrap({}, {})).toBe('missing');
  });
});
