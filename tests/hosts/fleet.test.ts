// The fleet in Node: two runtimes in this process as two hosts (each its
// own supervisor, worker pool and network arena), so everything that
// crosses hosts — placement, events, logs, names and connections relayed
// between arenas — runs for real without a browser.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import { Runtime } from '../../src/api';
import { Fleet } from '../../src/hosts/Fleet';
import type { FleetContainer } from '../../src/hosts/FleetContainer';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

let a: Runtime;
let b: Runtime;
let fleet: Fleet;

beforeAll(async () => {
  const wasm = await compileC(
    { 'netprobe.c': readFileSync(join(ROOT, 'tests', 'net', 'c', 'netprobe.c'), 'utf8'), 'flotilla_net.h': readFileSync(join(ROOT, 'images', 'include', 'flotilla_net.h'), 'utf8') },
    ['netprobe.c'],
  );
  [a, b] = await Promise.all([Runtime.create({ poolSize: 4 }), Runtime.create({ poolSize: 4 })]);
  await Promise.all([a.importProgram('netprobe', wasm), b.importProgram('netprobe', wasm)]);
  fleet = await Fleet.create({ heartbeatMs: 60_000 });
  await fleet.addLocalHost(a, 3);
  await fleet.addLocalHost(b, 3);
}, 120_000);

afterAll(async () => {
  await fleet?.dispose();
  await Promise.all([a?.dispose(), b?.dispose()]);
});

async function until(container: FleetContainer, text: string): Promise<void> {
  for (let i = 0; i < 500 && !container.output().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(container.output()).toContain(text);
}

describe('fleet', () => {
  it('spreads containers over hosts, mirrors their output and exit, and says when every host is full', async () => {
    fleet.placement = 'spread';
    const sleepers = await Promise.all(Array.from({ length: 6 }, () => fleet.run('crash', { args: ['sleep', '60'] })));
    expect(fleet.hosts().map((host) => host.load)).toEqual([3, 3]);
    await expect(fleet.run('ticker')).rejects.toMatchObject({ code: 'FLEET_FULL' });
    await Promise.all(sleepers.map((container) => container.remove({ force: true })));

    const started = await Promise.all(Array.from({ length: 6 }, () => fleet.run('ticker', { args: ['20', '3'] })));
    expect(new Set(started.map((container) => container.hostId))).toEqual(new Set(['h1', 'h2']));
    const statuses = await Promise.all(started.map((container) => container.wait()));
    expect(statuses.every((status) => status.exitCode === 0)).toBe(true);
    for (const container of started) {
      expect(container.output()).toBe([1, 2, 3].map((n) => `tick ${n} from ${container.id.slice(0, 12)}\n`).join(''));
      expect(container.lastLine).toBe(`tick 3 from ${container.id.slice(0, 12)}`);
    }
    await Promise.all(started.map((container) => container.remove()));
    expect(fleet.list({ all: true })).toEqual([]);
  });

  it('pack fills the first host before the next', async () => {
    fleet.placement = 'pack';
    const started = await Promise.all(Array.from({ length: 4 }, () => fleet.run('crash', { args: ['sleep', '60'] })));
    expect(started.map((container) => container.hostId).sort()).toEqual(['h1', 'h1', 'h1', 'h2']);
    await Promise.all(started.map((container) => container.remove({ force: true })));
  });

  it('a network spans hosts: names resolve and connections relay between the hosts\' arenas', async () => {
    fleet.placement = 'spread';
    await fleet.networks.create('mesh');
    const server = await fleet.run('netprobe', { name: 'far-echo', args: ['serve', '7000', 'echo'], networks: [{ network: 'mesh', aliases: ['echoes'] }], host: 'h1' });
    await until(server, 'listening');
    const client = await fleet.run('netprobe', { args: ['talk', 'echoes', '7000', 'across hosts'], networks: ['mesh'], host: 'h2' });
    const status = await client.wait();
    expect(client.output()).toContain('reply: across hosts');
    expect(status.exitCode).toBe(0);
    // Addresses are the fleet's: unique across hosts, in the network's subnet.
    const addresses = fleet.networks.inspect('mesh').containers.map((c) => c.ipAddress);
    expect(new Set(addresses).size).toBe(addresses.length);
    await until(server, `accepted ${client.info().networks.mesh!.ipAddress}:`);

    // Large transfers keep order and arrive whole (credit-based flow control between hosts).
    const sink = await fleet.run('netprobe', { name: 'far-sink', args: ['serve', '7100', 'discard'], networks: ['mesh'], host: 'h1' });
    await until(sink, 'listening');
    const sender = await fleet.run('netprobe', { args: ['send', 'far-sink', '7100', String(8 * 1024 * 1024)], networks: ['mesh'], host: 'h2' });
    expect((await sender.wait()).exitCode).toBe(0);
    await until(sink, `closed after ${8 * 1024 * 1024} bytes`);

    // Isolation holds across hosts too.
    const outsider = await fleet.run('netprobe', { args: ['resolve', 'far-echo'], host: 'h2' });
    await outsider.wait();
    expect(outsider.output()).toContain('no such host');

    // A peer that dies on one host resets the connection on the other.
    const holder = await fleet.run('netprobe', { name: 'far-holder', args: ['serve', '7200', 'hold'], networks: ['mesh'], host: 'h1' });
    await until(holder, 'listening');
    const waiter = await fleet.run('netprobe', { args: ['wait', 'far-holder', '7200'], networks: ['mesh'], host: 'h2' });
    await until(waiter, 'connected');
    await until(holder, 'accepted');
    await holder.kill();
    await waiter.wait();
    expect(waiter.output()).toContain('Connection reset by peer');

    const refused = await fleet.run('netprobe', { args: ['connect', 'far-echo', '7999'], networks: ['mesh'], host: 'h2' });
    await refused.wait();
    expect(refused.output()).toContain('Connection refused');
    for (const container of fleet.list({ all: true })) await fleet.get(container.id).remove({ force: true });
  });
});

describe('fleet errors', () => {
  it('are typed and change nothing', async () => {
    const before = fleet.list({ all: true }).length;
    await expect(fleet.runMany('ticker', -1)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(fleet.run('ticker', { host: 'h99' })).rejects.toMatchObject({ code: 'HOST_NOT_FOUND' });
    expect(() => fleet.removeHost('h1')).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => fleet.get('no-such-container')).toThrow(expect.objectContaining({ code: 'CONTAINER_NOT_FOUND' }));
    await expect(fleet.run('no-such-image')).rejects.toMatchObject({ code: 'UNKNOWN_IMAGE' });
    expect(fleet.list({ all: true }).length).toBe(before);
  });
});
