// Quotas and fault tolerance end to end in Node (real images, worker
// threads, the WASI layer): instrumented guests are killed at once, CPU
// time and CPU shares are enforced, memory is capped, and the rest of the
// runtime keeps running. Timing assertions compare ratios within one run,
// or allow wide margins; the figures themselves are in `npm run bench`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import { InvalidOptionsError, Runtime, type Container } from '../../src/api';

const HERE = dirname(fileURLToPath(import.meta.url));
let rt: Runtime;

beforeAll(async () => {
  rt = await Runtime.create({ poolSize: 4 });
  const workload = await compileC({ 'workload.c': readFileSync(join(HERE, '../wasm/c/workload.c'), 'utf8') }, ['workload.c']);
  await rt.importProgram('workload', workload);
}, 120_000);

afterAll(async () => {
  await rt?.dispose();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function spinning(options: Parameters<Runtime['run']>[1] = {}): Promise<Container> {
  const c = await rt.run('crash', { args: ['spin'], ...options });
  await until(() => c.output().includes('spinning'));
  return c;
}

describe('a guest spinning without syscalls', () => {
  it('is killed within milliseconds, reported 137, its worker and files intact', async () => {
    const c = await spinning();
    // The interrupt checks serve file requests too, so docker cp works while it spins.
    await c.writeFile('/tmp/kept.txt', 'still here');
    expect(new TextDecoder().decode(await c.readFile('/tmp/kept.txt'))).toBe('still here');
    const started = performance.now();
    await c.kill();
    const status = await c.wait();
    const elapsed = performance.now() - started;
    expect(status).toMatchObject({ reason: 'killed', signal: 'SIGKILL', exitCode: 137, oomKilled: false });
    expect(c.state).toBe('exited'); // not dead: the worker was never terminated
    expect(elapsed).toBeLessThan(80); // well under killGraceMs (100 ms), after which the worker would be terminated
    expect(new TextDecoder().decode(await c.readFile('/tmp/kept.txt'))).toBe('still here');
  });

  it('stops on SIGTERM too, and a restart reuses the container', async () => {
    const c = await spinning();
    const status = await c.stop({ timeoutMs: 5000 });
    expect(status).toMatchObject({ reason: 'killed', signal: 'SIGTERM', exitCode: 143 });
    await c.restart();
    await until(() => c.output().split('spinning').length === 3);
    await c.kill();
    expect((await c.wait()).exitCode).toBe(137);
    expect(c.info().restartCount).toBe(1);
  });

  it('a spinning process of a shell container is killed at once as well', async () => {
    const c = await rt.run('base', { args: ['-c', 'echo start; yes > /dev/null; echo after'] });
    await until(() => c.output().includes('start'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await c.kill();
    const status = await c.wait();
    expect(status.exitCode).toBe(137);
    expect(c.state).toBe('exited');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('leaves the other containers running', async () => {
    const bystander = await rt.run('interactive', { openStdin: true });
    const spinners = await Promise.all([spinning(), spinning()]);
    bystander.stdin.write('still answering\n');
    await until(() => bystander.output().includes('you said: still answering'));
    await Promise.all(spinners.map((c) => c.kill()));
    bystander.stdin.close();
    expect((await bystander.wait()).exitCode).toBe(0);
    const hello = await rt.run('hello', { args: ['--quiet'] });
    expect((await hello.wait()).exitCode).toBe(0);
  });
});

describe('CRuby (a 30 MB module, instrumented like any program)', () => {
  it('a busy Ruby loop is killed at once; CPU time and memory limits hold', async () => {
    const busy = await rt.run('ruby', { args: ['-e', 'puts 1; STDOUT.flush; loop { }'] });
    await until(() => busy.output().includes('1'), 60_000);
    const started = performance.now();
    await busy.kill();
    expect(await busy.wait()).toMatchObject({ reason: 'killed', exitCode: 137 });
    expect(busy.state).toBe('exited');
    expect(performance.now() - started).toBeLessThan(80);

    const counting = await rt.run('ruby', { args: ['-e', 'i = 0; loop { i += 1 }'], cpuTimeMs: 300 });
    expect(await counting.wait()).toMatchObject({ signal: 'SIGXCPU', exitCode: 152, message: 'CPU time limit of 300 ms exceeded' });

    const hungry = await rt.run('ruby', { args: ['-e', 's = "x" * (200 * 1024 * 1024); puts s.size'], memory: '64m' });
    const status = await hungry.wait();
    expect(hungry.output({ stdout: false })).toMatch(/failed to allocate memory \(NoMemoryError\)/);
    expect(status).toMatchObject({ reason: 'oom', oomKilled: true, exitCode: 137 });
    expect(status.message).toMatch(/exited with status 1 after memory.grow failed at [\d.]+ MiB \(limit 64 MiB\)/);
  }, 120_000);
});

describe('cpuTimeMs', () => {
  it('kills a busy container once its CPU time is spent, saying why', async () => {
    const c = await rt.run('crash', { args: ['spin'], cpuTimeMs: 150 });
    const status = await c.wait();
    expect(status).toMatchObject({ reason: 'killed', signal: 'SIGXCPU', exitCode: 152, message: 'CPU time limit of 150 ms exceeded', oomKilled: false });
    expect(status.finishedAt - status.startedAt).toBeGreaterThanOrEqual(140);
    expect(c.state).toBe('exited');
  });

  it('does not count time spent blocked', async () => {
    const c = await rt.run('crash', { args: ['sleep', '0.3'], cpuTimeMs: 100 });
    expect(await c.wait()).toMatchObject({ reason: 'exited', exitCode: 0 });
    expect(c.output()).toBe('slept 0.3\n');
  });

  it('ends every process of a shell container, with the same status', async () => {
    const c = await rt.run('base', { args: ['-c', 'yes > /dev/null & yes > /dev/null; echo never'], cpuTimeMs: 200 });
    const status = await c.wait();
    expect(status).toMatchObject({ signal: 'SIGXCPU', exitCode: 152, message: 'CPU time limit of 200 ms exceeded' });
    expect(c.output()).not.toContain('never');
  });
});

describe('cpus', () => {
  it('throttles a busy container to its share, relative to an unthrottled one in the same run', async () => {
    // Two containers on two cores do the same work; one has a quarter of a CPU.
    const n = '120000000';
    const [full, quarter] = await Promise.all([
      rt.run('workload', { args: ['sum', n] }),
      rt.run('workload', { args: ['sum', n], cpus: 0.25 }),
    ]);
    const [fullStatus, quarterStatus] = await Promise.all([full.wait(), quarter.wait()]);
    expect(full.output()).toBe(quarter.output());
    const wall = quarterStatus.finishedAt - quarterStatus.startedAt;
    const ratio = wall / (fullStatus.finishedAt - fullStatus.startedAt);
    // 4 on an idle machine; less when the machine is busy (the unthrottled one then gets less than a core too).
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(8);
    const stats = quarter.stats();
    expect(stats.cpu.cpus).toBe(0.25);
    // Three quarters of its life asleep, however busy the machine is.
    expect(stats.cpu.throttledMs! / wall).toBeGreaterThan(0.6);
    expect(stats.cpu.throttledMs! / wall).toBeLessThan(0.9);
    expect(full.stats().cpu.throttledMs).toBe(0);
  }, 60_000);
});

describe('cpus and kills', () => {
  it('a throttled container asleep for its share is killed at once all the same', async () => {
    const c = await spinning({ cpus: 0.01 }); // it sleeps ~100 ms for every ms it runs
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await c.kill();
    expect(await c.wait()).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(c.state).toBe('exited');
    expect(performance.now() - started).toBeLessThan(60);
  });
});

describe('memory', () => {
  it('caps each program: malloc fails inside it, and exiting on that is OOMKilled', async () => {
    const c = await rt.run('crash', { args: ['oom'], memory: '16m' });
    const status = await c.wait();
    expect(c.output({ stdout: false })).toMatch(/^crash: out of memory: malloc failed after 1[0-5] MiB\n$/);
    expect(status).toMatchObject({ reason: 'oom', oomKilled: true, exitCode: 137 });
    expect(status.message).toMatch(/exited with status 3 after memory.grow failed at 1\d(\.\d)? MiB \(limit 16 MiB\)/);
    expect(c.stats().memory.limitBytes).toBe(16 * 1024 * 1024);
  });

  it('a program that traps when malloc fails is OOMKilled too', async () => {
    const c = await rt.run('crash', { args: ['oom-abort'], memory: 8 * 1024 * 1024 });
    expect(await c.wait()).toMatchObject({ reason: 'oom', oomKilled: true, exitCode: 137 });
  });

  it('the module\'s own smaller maximum stays (crash is linked with 64 MiB)', async () => {
    const c = await rt.run('crash', { args: ['oom'] }); // default 256 MiB
    await c.wait();
    expect(c.output({ stdout: false })).toMatch(/malloc failed after 6\d MiB/);
  });

  it('reaches programs a shell starts, and a container whose program died of it reports OOMKilled', async () => {
    const c = await rt.run('base', { args: ['-c', 'seq 1 3000000 | sort -n > /dev/null; exit $?'], memory: '8m' });
    const status = await c.wait();
    expect(status).toMatchObject({ reason: 'oom', oomKilled: true, exitCode: 137 });
  }, 60_000);

  it('refuses a program that needs more memory at start than the limit', async () => {
    const error = await rt.run('ruby', { args: ['-e', '1'], memory: '1m' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(/^invalid option memory: the program needs \d+ pages \([\d.]+ MiB\) of memory at start, limit 16 pages \(1 MiB\)$/);
  });
});

describe('options', () => {
  it.each([
    [{ memory: 'lots' }, /invalid option memory: "lots" is not a size/],
    [{ memory: 1000 }, /invalid option memory: 1000 is below the smallest limit/],
    [{ memory: '5g' }, /invalid option memory: "5g" is above wasm32's 4 GiB/],
    [{ cpus: 0 }, /invalid option cpus: 0 must be a share of CPUs/],
    [{ cpus: Number.NaN }, /invalid option cpus/],
    [{ cpuTimeMs: 1.5 }, /invalid option cpuTimeMs: 1.5 must be a whole number of milliseconds/],
    [{ cpuTimeMs: -1 }, /invalid option cpuTimeMs/],
  ])('rejects %o with a typed error', async (options, message) => {
    const error = await rt.run('hello', options as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(message);
  });

  it('takes runtime-wide defaults, and checks them', async () => {
    await expect(Runtime.create({ poolSize: 1, limits: { memory: 'x' } })).rejects.toThrow(/invalid option limits.memory/);
    const small = await Runtime.create({ poolSize: 1, limits: { memory: '16m' } });
    try {
      const c = await small.run('crash', { args: ['oom'] });
      await c.wait();
      expect(c.output({ stdout: false })).toMatch(/malloc failed after 1[0-5] MiB/);
    } finally {
      await small.dispose();
    }
  });
});
