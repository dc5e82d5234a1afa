// Resource limits end to end in Node: real guests (images/stress, the base
// image's shell) push a container against each limit; the guest gets the
// errno Linux gives, the container and its neighbours keep going, and the
// stats show it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionsError, Runtime, type Container, type ContainerStats } from './index';

let rt: Runtime;

beforeAll(async () => {
  rt = await Runtime.create({ poolSize: 4 });
});

afterAll(async () => {
  await rt?.dispose();
});

const MIB = 1024 * 1024;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** A neighbour with a file of its own, blocked on stdin until told to end. */
async function neighbour(): Promise<Container> {
  const c = await rt.run('stress', { openStdin: true, args: ['write', '/tmp/mine', '5000', ';', 'say', 'ready', ';', 'hold'] });
  await until(() => c.output().includes('ready'));
  return c;
}

async function neighbourIsFine(c: Container): Promise<void> {
  expect(c.state).toBe('running');
  expect((await c.readFile('/tmp/mine')).length).toBe(5000);
  c.stdin.close();
  expect((await c.wait()).exitCode).toBe(0);
}

describe('disk limits', () => {
  it('fails writes past disk.bytes with ENOSPC; the container goes on once space is freed, its neighbour is untouched', async () => {
    const other = await neighbour();
    const c = await rt.run('stress', {
      disk: { bytes: MIB },
      args: ['fill', '/tmp/big', ';', 'write', '/tmp/more', '100000', ';', 'say', 'not reached'],
    });
    const status = await c.wait();
    const out = c.output();
    const filled = Number(/fill: (\d+) bytes, then ENOSPC/.exec(out)?.[1]);
    expect(filled).toBeGreaterThan(MIB - 128 * 1024);
    expect(filled).toBeLessThanOrEqual(MIB);
    // A write is all or nothing: the next one that does not fit fails too, and the program sees it.
    expect(out).toContain('write: /tmp/more: ENOSPC');
    expect(out).not.toContain('not reached');
    expect(status.exitCode).toBe(1);
    await neighbourIsFine(other);

    // The same program, with the write that failed left out: freeing space lets it go on.
    const again = await rt.run('stress', { disk: { bytes: MIB }, args: ['fill', '/tmp/big', ';', 'rm', '/tmp/big', ';', 'write', '/tmp/after', '1000', ';', 'say', 'still here'] });
    expect((await again.wait()).exitCode).toBe(0);
    expect(again.output()).toContain('still here');
    expect((await again.readFile('/tmp/after')).length).toBe(1000);
    expect(again.stats().disk).toMatchObject({ limitBytes: MIB });
  });

  it('raises EDQUOT when asked to, also for many tiny files and deep nesting (disk.inodes)', async () => {
    const c = await rt.run('stress', { disk: { bytes: MIB, error: 'dquot' }, args: ['fill', '/tmp/big'] });
    expect((await c.wait()).exitCode).toBe(0);
    expect(c.output()).toMatch(/fill: \d+ bytes, then EDQUOT/);

    const files = await rt.run('stress', { disk: { inodes: 200 }, args: ['files', '/tmp'] });
    expect((await files.wait()).exitCode).toBe(0);
    const created = Number(/files: (\d+), then ENOSPC/.exec(files.output())?.[1]);
    expect(created).toBeGreaterThan(150);
    expect(created).toBeLessThan(200);
    expect(files.stats().disk.inodes).toBeLessThanOrEqual(200);

    const deep = await rt.run('stress', { disk: { inodes: 3000, error: 'dquot' }, args: ['deep', '/tmp'] });
    expect((await deep.wait()).exitCode).toBe(0);
    const depth = Number(/deep: (\d+), then EDQUOT/.exec(deep.output())?.[1]);
    expect(depth).toBeGreaterThan(2900);
    // The supervisor still walks the tree (docker cp out).
    const tree = await deep.readTree('/tmp');
    expect(tree.length).toBe(depth);
  });

  it('refuses a docker cp past the quota with a typed error, and the container keeps running', async () => {
    const c = await rt.run('stress', { openStdin: true, disk: { bytes: 64 * 1024 }, args: ['hold'] });
    await expect(c.writeFile('/tmp/big', new Uint8Array(100 * 1024))).rejects.toMatchObject({ code: 'FILE_ERROR', message: expect.stringContaining('ENOSPC') });
    await c.writeFile('/tmp/small', 'fits');
    expect(text(await c.readFile('/tmp/small'))).toBe('fits');
    expect(c.state).toBe('running');
    c.stdin.close();
    expect((await c.wait()).exitCode).toBe(0);
  });
});

describe('open-file limit', () => {
  it('fails open past fds with EMFILE, on the container thread and in a process worker', async () => {
    for (const program of ['/bin/stress', '/bin/stress-proc']) {
      const c = await rt.run('stress', { fds: 16, entrypoint: [program], args: ['openmax', '/data/file', ';', 'say', 'goes on'] });
      expect((await c.wait()).exitCode).toBe(0);
      // 16 minus stdin, stdout, stderr and the '/' preopen.
      expect(c.output()).toBe('openmax: 12, then EMFILE\ngoes on\n');
    }
    const byDefault = await rt.run('stress', { args: ['openmax', '/data/file'] });
    await byDefault.wait();
    expect(byDefault.output()).toBe('openmax: 1020, then EMFILE\n');
  });
});

describe('process limit', () => {
  it('fails proc_spawn past pids with EAGAIN', async () => {
    const c = await rt.run('stress', { pids: 5, openStdin: true, entrypoint: ['/bin/stress-proc'], args: ['spawnmax', ';', 'say', 'goes on'] });
    expect((await c.wait()).exitCode).toBe(0);
    // The main process and four children.
    expect(c.output()).toBe('spawnmax: 4, then EAGAIN\ngoes on\n');
  });

  it('reports a fork past the limit in the shell as Linux does', async () => {
    const c = await rt.run('base', { pids: 2, entrypoint: ['/bin/sh', '-c', 'sleep 1 & sleep 0; echo after $?; wait'] });
    expect((await c.wait()).exitCode).toBe(0);
    expect(c.output({ stdout: false })).toBe('sh: fork: Resource temporarily unavailable\n');
    expect(c.output({ stderr: false })).toBe('after 126\n');
  });

  it('contains a spawn bomb: at most pids processes, the neighbours run, and kill ends it', { timeout: 60_000 }, async () => {
    const other = await neighbour();
    const bomb = await rt.run('stress', { pids: 8, entrypoint: ['/bin/stress-proc'], args: ['bomb'] });
    const counts: number[] = [];
    const sample = (): number => {
      counts.push(bomb.stats().pids.current);
      return counts.at(-1)!;
    };
    // It reaches the limit (process workers start slower on a busy machine), then stays there.
    await until(() => sample() === 8, 20_000);
    for (let i = 0; i < 25; i++) {
      sample();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Math.max(...counts)).toBe(8);
    const hello = await rt.run('hello', { args: ['--quiet', '--stderr', 'fine'] });
    expect((await hello.wait()).exitCode).toBe(0);
    expect(hello.output()).toBe('fine\n');
    await neighbourIsFine(other);
    await bomb.kill();
    expect((await bomb.wait()).exitCode).toBe(137);
    expect(bomb.stats().pids.current).toBe(0);
  });
});

describe('logs', () => {
  it('keeps logCapacity bytes and counts what it dropped', async () => {
    const c = await rt.run('stress', { logCapacity: 4096, args: ['stdout', '1M'] });
    expect((await c.wait()).exitCode).toBe(0);
    expect(c.output().length).toBe(4096);
    expect(c.droppedLogBytes).toBe(MIB - 4096);
    expect(c.stats().logs).toEqual({ bytes: 4096, droppedBytes: MIB - 4096, capacity: 4096 });
  });

  it('streams 1 GB of stdout with bounded memory and without stalling the event loop', async () => {
    let maxGap = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
    try {
      const c = await rt.run('stress', { args: ['stdout', '1G'] });
      let received = 0;
      c.onLog((chunk) => { received += chunk.data.length; });
      expect((await c.wait()).exitCode).toBe(0);
      expect(received).toBe(1024 * MIB);
      expect(c.stats().logs).toMatchObject({ bytes: MIB, droppedBytes: 1023 * MIB });
    } finally {
      clearInterval(ticker);
      clearInterval(sampler);
    }
    // Without flow control the messages queue up: RSS grew by about the gigabyte.
    expect(peak - before).toBeLessThan(256 * MIB);
    expect(maxGap).toBeLessThan(1000);
  }, 60_000);
});

describe('stats', () => {
  it('moves when the guest allocates memory, writes files and opens descriptors (container thread and process worker)', async () => {
    for (const program of ['/bin/stress', '/bin/stress-proc']) {
      const c = await rt.run('stress', { openStdin: true, pids: 10, fds: 100, entrypoint: [program], args: ['say', 'start', ';', 'line', ';', 'alloc', '32', ';', 'open', '/data/file', '10', ';', 'write', '/tmp/f', '100000', ';', 'say', 'done', ';', 'hold'] });
      await until(() => c.output().includes('start') && c.stats().fds.open === 4);
      const idle = c.stats();
      expect(idle).toMatchObject({ pids: { current: 1, limit: 10 }, fds: { open: 4, limitPerProcess: 100 }, state: 'running' });
      c.stdin.write('go\n');
      await until(() => c.output().includes('done'));
      await until(() => c.stats().fds.open === 14); // published by the syscalls after `say done`
      const busy = c.stats();
      expect(busy.disk.bytes - idle.disk.bytes).toBe(100_000);
      expect(busy.disk.inodes).toBeGreaterThan(idle.disk.inodes); // the file, and /tmp copied up
      expect(busy.memory.bytes - idle.memory.bytes).toBeGreaterThanOrEqual(32 * MIB);
      expect(busy.memory.peakBytes).toBeGreaterThanOrEqual(busy.memory.bytes);
      expect(busy.cpu.timeMs).toBeGreaterThan(idle.cpu.timeMs);
      expect(busy.time).toBeGreaterThanOrEqual(idle.time);
      c.stdin.close();
      expect((await c.wait()).exitCode).toBe(0);
      const after = c.stats();
      expect(after).toMatchObject({ state: 'exited', pids: { current: 0 }, memory: { bytes: 0 }, fds: { open: 0 } });
      expect(after.memory.peakBytes).toBeGreaterThanOrEqual(32 * MIB);
      expect(after.cpu.timeMs).toBeGreaterThanOrEqual(busy.cpu.timeMs);
      expect(after.disk.bytes).toBe(busy.disk.bytes);
    }
  });

  it('shows live memory and open descriptors while the guest holds them', async () => {
    const c = await rt.run('stress', { openStdin: true, entrypoint: ['/bin/stress-proc'], args: ['alloc', '16', ';', 'open', '/data/file', '20', ';', 'say', 'holding', ';', 'hold'] });
    await until(() => c.output().includes('holding'));
    let stats: ContainerStats | undefined;
    await until(() => {
      stats = c.stats();
      return stats.fds.open === 24;
    });
    expect(stats!.memory.bytes).toBeGreaterThanOrEqual(16 * MIB);
    expect(stats!.pids).toEqual({ current: 1, limit: 64 });
    expect(rt.stats().map((entry) => entry.id)).toContain(c.id);
    c.stdin.close();
    await c.wait();
    expect(rt.stats().map((entry) => entry.id)).not.toContain(c.id);
    expect(rt.stats({ all: true }).map((entry) => entry.id)).toContain(c.id);
  });

  it('sums the processes of a shell and its children', async () => {
    const c = await rt.run('base', { openStdin: true, entrypoint: ['/bin/sh'] });
    c.stdin.write('sleep 5 & sleep 5 & echo started\n');
    await until(() => c.output().includes('started'));
    // The shell (no descriptors of its own: it is TypeScript) and two programs with 4 each.
    await until(() => c.stats().pids.current === 3 && c.stats().fds.open === 8);
    const stats = c.stats();
    expect(stats.memory.bytes).toBeGreaterThan(0);
    await c.kill();
  });
});

describe('bad limits', () => {
  it('are typed errors naming the option, and nothing is created', async () => {
    const before = rt.list({ all: true }).length;
    await expect(rt.run('hello', { name: 'limited', pids: 0 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(rt.create('hello', { fds: 3 })).rejects.toThrow('invalid option fds: 3 is out of range');
    await expect(rt.run('hello', { disk: { bytes: -1 } })).rejects.toThrow('invalid option disk.bytes');
    await expect(rt.run('hello', { disk: { error: 'full' as 'nospc' } })).rejects.toThrow('invalid option disk.error');
    await expect(rt.run('hello', { logCapacity: 1.5 })).rejects.toThrow('invalid option logCapacity: 1.5 is not a whole number');
    expect(rt.list({ all: true }).length).toBe(before);
    // The name was not taken either.
    const c = await rt.run('hello', { name: 'limited', args: ['--quiet'] });
    await c.wait();
    await c.remove();
  });

  it('are checked when a runtime takes them as defaults', async () => {
    await expect(Runtime.create({ poolSize: 1, limits: { pids: -1 } })).rejects.toThrow('invalid option limits.pids');
    const limited = await Runtime.create({ poolSize: 1, limits: { fds: 10 }, logCapacity: 100 });
    try {
      const c = await limited.run('stress', { args: ['openmax', '/data/file'] });
      await c.wait();
      expect(c.output()).toBe('openmax: 6, then EMFILE\n');
      expect(c.stats().logs.capacity).toBe(100);
    } finally {
      await limited.dispose();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
