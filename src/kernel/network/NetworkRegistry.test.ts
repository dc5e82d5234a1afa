import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../net/address';
import { NetworkRegistry } from './NetworkRegistry';

const container = (id: string, name: string) => ({ id, name, hostname: id.slice(0, 12) });

describe('NetworkRegistry', () => {
  it('has the predefined bridge and none, which cannot be removed', () => {
    const registry = new NetworkRegistry();
    expect(registry.list().map((n) => n.name)).toEqual(['bridge', 'none']);
    expect(() => registry.remove('bridge')).toThrow(expect.objectContaining({ code: 'NETWORK_IN_USE' }));
    expect(registry.get('bridge').info().subnet).toBe('172.17.0.0/16');
  });

  it('gives user networks their own subnets, addresses from .2, and rejects duplicates and bad subnets', () => {
    const registry = new NetworkRegistry();
    const app = registry.create('app');
    expect(app.info()).toMatchObject({ subnet: '172.18.0.0/16', gateway: '172.18.0.1', dns: true, driver: 'bridge' });
    expect(registry.create('db').info().subnet).toBe('172.19.0.0/16');
    expect(registry.create('lab', { subnet: '10.10.0.0/24' }).info().gateway).toBe('10.10.0.1');
    expect(() => registry.create('app')).toThrow(expect.objectContaining({ code: 'NETWORK_EXISTS' }));
    expect(() => registry.create('x', { subnet: '10.10.0.0/24' })).toThrow(/overlaps/);
    expect(() => registry.create('y', { subnet: '10.1.2.3/24' })).toThrow(/host bits/);
    expect(() => registry.create('bad name')).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => registry.get('nope')).toThrow(expect.objectContaining({ code: 'NETWORK_NOT_FOUND' }));
    const a = registry.connect(app, container('a'.repeat(64), 'web'));
    const b = registry.connect(app, container('b'.repeat(64), 'db'));
    expect(formatIpv4(a.address)).toBe('172.18.0.2');
    expect(formatIpv4(b.address)).toBe('172.18.0.3');
    expect(() => registry.remove('app')).toThrow(/active endpoints \(web, db\)/);
    registry.disconnect(app, 'a'.repeat(64));
    expect(formatIpv4(registry.connect(app, container('c'.repeat(64), 'cache')).address)).toBe('172.18.0.2'); // reused
  });

  it('resolves names, short ids and aliases only on shared user-defined networks', () => {
    const registry = new NetworkRegistry();
    const front = registry.create('front');
    const back = registry.create('back');
    const web = container('1'.repeat(64), 'web');
    const api = container('2'.repeat(64), 'api');
    const db = container('3'.repeat(64), 'db');
    registry.connect(front, web);
    registry.connect(front, api);
    registry.connect(back, api, ['backend']);
    registry.connect(back, db, ['database']);
    registry.connect(registry.get('bridge'), web);
    registry.connect(registry.get('bridge'), db);

    expect(registry.resolve(web.id, 'api')).toBe(front.endpoints.get(api.id)!.address);
    expect(registry.resolve(web.id, 'API.')).toBe(front.endpoints.get(api.id)!.address);
    expect(registry.resolve(web.id, api.hostname)).toBe(front.endpoints.get(api.id)!.address);
    expect(registry.resolve(api.id, 'database')).toBe(back.endpoints.get(db.id)!.address);
    // web and db share only the default bridge, which has no name resolution; the alias is back's only.
    expect(registry.resolve(web.id, 'db')).toBeUndefined();
    expect(registry.resolve(web.id, 'backend')).toBeUndefined();
    // Reachability follows shared networks: by address too.
    expect(registry.reachable(web.id, back.endpoints.get(db.id)!.address)).toBeUndefined();
    expect(registry.reachable(web.id, registry.get('bridge').endpoints.get(db.id)!.address)?.network.name).toBe('bridge');
  });

  it('keeps a container on `none` off every other network', () => {
    const registry = new NetworkRegistry();
    const lonely = container('4'.repeat(64), 'lonely');
    registry.connect(registry.get('none'), lonely);
    expect(() => registry.connect(registry.get('bridge'), lonely)).toThrow(/none/);
    expect(registry.get('none').info().containers[0]).toMatchObject({ name: 'lonely', ipAddress: '' });
  });
});
