// Fault tolerance in Node (issue 4): a guest calling every syscall with
// random arguments, and storms of containers killed at random mid-I/O.
// Afterwards the supervisor must be consistent and every other container's
// files intact.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileC } from '../../scripts/wasi-cc.mjs';
import { Runtime, type Container } from '../../src/api';
import { NodeWorkerFactory } from '../../src/kernel/NodeWorkerFactory';

const HERE = dirname(fileURLToPath(import.meta.url));
const POOL = 4;

let rt: Runtime;
let neighbour: Container;
const NEIGHBOUR_FILES = { '/data/a.txt': 'alpha\n', '/data/deep/b.txt': 'beta\n' };

beforeAll(async () => {
  const wasm = await compileC({ 'syscall_fuzz.c': readFileSync(join(HERE, 'c', 'syscall_fuzz.c'), 'utf8') }, ['syscall_fuzz.c']);
  rt = await Runtime.create({ poolSize: POOL });
  await rt.importProgram('fuzz', wasm);
  // A bystander that must come out of everything below untouched.
  neighbour = await rt.run('crash', { name: 'bystander', args: ['sleep', '3600'], files: NEIGHBOUR_FILES });
}, 120_000);

afterAll(async () => {
  await rt?.dispose();
});

async function expectNeighbourIntact(): Promise<void> {
  expect(neighbour.state).toBe('running');
  for (const [path, text] of Object.entries(NEIGHBOUR_FILES)) expect(new TextDecoder().decode(await neighbour.readFile(path))).toBe(text);
}

/** Ends `container` within `ms` or kills it; returns its status. */
async function waitOrKill(container: Container, ms: number) {
  const ended = await Promise.race([container.wait(), new Promise<undefined>((resolve) => setTimeout(resolve, ms))]);
  if (ended) return ended;
  await container.kill();
  return container.wait();
}

describe('syscall fuzzing from a guest', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: thousands of random calls raise no host exception and leave others intact`, async () => {
      const fuzz = await rt.run('fuzz', { args: [String(seed), '100000'] });
      const status = await waitOrKill(fuzz, 20_000);
      const out = fuzz.output();
      // It gets through every call, or ends by its own doing (a random write into its own
      // memory can make it trap), or blocks somewhere legitimate and is killed: never a host error.
      expect(status.message ?? '').not.toMatch(/host error|WasiHostTrap/);
      if (status.reason === 'exited') {
        expect(status.exitCode).toBe(0);
        expect(out).toContain('survived 100000');
      } else if (status.reason === 'trapped') {
        expect(status.stack).toContain('main');
      } else {
        expect(status).toMatchObject({ reason: 'killed', exitCode: 137 });
        expect(Number(/progress (\d+)\n(?!.*progress)/s.exec(out)?.[1] ?? 0)).toBeGreaterThanOrEqual(1000);
      }
      await fuzz.remove();
      await expectNeighbourIntact();
    }, 40_000);
  }

  it('a fuzzing guest stays killable at any moment', async () => {
    for (let round = 0; round < 5; round++) {
      const fuzz = await rt.run('fuzz', { args: [String(100 + round), '0'] });
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 60));
      const started = Date.now();
      await fuzz.kill();
      const status = await fuzz.wait();
      expect(status).toMatchObject({ reason: 'killed', exitCode: 137 });
      expect(Date.now() - started).toBeLessThan(5_000);
      await fuzz.remove();
    }
    await expectNeighbourIntact();
  }, 60_000);
});

describe('kill storms', () => {
  it('starting and killing containers at random mid-I/O leaves the supervisor consistent', async () => {
    const workloads: Array<[string, string[]]> = [
      ['base', ['-c', 'i=0; while true; do echo "line $i" >> /tmp/log; i=$((i+1)); done']],
      ['base', ['-c', 'while true; do cat /etc/passwd | wc -l > /tmp/n; done']],
      ['fileio', ['write', '/tmp/x', 'data', ';', 'append', '/tmp/x', 'more', ';', 'cat', '/tmp/x']],
      ['crash', ['spin']],
      ['crash', ['sleep', '60']],
      ['fuzz', ['7', '0']],
    ];
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const victims: Container[] = [];
    for (let i = 0; i < 40; i++) {
      const [image, args] = workloads[random(workloads.length)]!;
      const container = await rt.run(image, { args });
      victims.push(container);
      await new Promise((resolve) => setTimeout(resolve, random(30)));
      if (random(4) !== 0) {
        const kill = random(2) === 0 ? container.kill() : container.stop({ timeoutMs: 50 }).then(() => {});
        await kill.catch(() => {}); // it may have ended on its own first
      }
    }
    const statuses = await Promise.all(victims.map((container) => waitOrKill(container, 5_000)));
    for (const status of statuses) {
      expect(['exited', 'killed']).toContain(status.reason);
      expect(status.message ?? '').not.toMatch(/host error/);
    }
    // Every record is consistent: ended, and removable; nothing is left behind.
    for (const container of victims) {
      expect(['exited', 'dead']).toContain(container.state);
      await container.remove();
    }
    expect(rt.list({ all: true }).map((info) => info.name)).toEqual(['bystander']);
    await expectNeighbourIntact();
    // The pool refills to its size: no worker leaked or stuck.
    await expect.poll(() => rt.idleWorkers, { timeout: 10_000 }).toBe(POOL);
    // And the runtime still does its job.
    const after = await rt.run('hello', { args: ['still', 'here'] });
    expect((await after.wait()).exitCode).toBe(0);
    expect(after.output()).toContain('argv[2]=here');
    await after.remove();
  }, 120_000);
});

describe('the watchdog', () => {
  it('leaves healthy containers alone: spinning, sleeping, blocked on stdin, a shell at its prompt', async () => {
    const watched = await Runtime.create({ poolSize: 4, stuckAfterMs: 300 });
    try {
      const spinner = await watched.run('crash', { args: ['spin'] });
      const sleeper = await watched.run('crash', { args: ['sleep', '60'] });
      const reader = await watched.run('interactive', { openStdin: true });
      const shell = await watched.run('base', { tty: true });
      // Well past the watchdog's limit: none of them may be taken for hung.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const container of [spinner, sleeper, reader, shell]) expect(container.state).toBe('running');
      reader.stdin.write('still here\n');
      reader.stdin.close();
      expect((await reader.wait()).exitCode).toBe(0);
      expect(reader.output()).toContain('you said: still here');
      await spinner.kill();
      expect((await spinner.wait()).exitCode).toBe(137);
    } finally {
      await watched.dispose();
    }
  }, 30_000);

  it('ends a container whose worker stopped answering as dead, with the reason, and the runtime goes on', async () => {
    const deaf = await Runtime.create({ poolSize: 1, stuckAfterMs: 300, workers: new NodeWorkerFactory(new URL('./deaf-worker.mjs', import.meta.url)) });
    try {
      const shell = await deaf.run('base', { tty: true }); // the shell lives on the worker's event loop
      const status = await shell.wait();
      expect(shell.state).toBe('dead');
      expect(status.reason).toBe('error');
      expect(status.message).toMatch(/stopped answering \(no sign of life for 0\.3 s\)/);
      // A program on the worker's own thread beats at every syscall: the same deaf worker is fine with it.
      const hello = await deaf.run('hello');
      expect((await hello.wait()).exitCode).toBe(0);
    } finally {
      await deaf.dispose();
    }
  }, 30_000);
});

describe('fair CPU share', () => {
  it('holds busy containers to an equal share once more are busy than the budget, and lifts it when they stop', async () => {
    const shared = await Runtime.create({ poolSize: 4, cpuBudget: 1 });
    try {
      const spinners = await Promise.all([1, 2, 3].map(() => shared.run('crash', { args: ['spin'] })));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Three busy on a budget of one CPU: each is throttled toward a third.
      for (const spinner of spinners) expect(spinner.stats().cpu.throttledMs).toBeGreaterThan(100);
      await Promise.all(spinners.slice(1).map((spinner) => spinner.kill()));
      await new Promise((resolve) => setTimeout(resolve, 600)); // a few ticks: one busy container, under the budget
      const before = spinners[0]!.stats().cpu.throttledMs ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((spinners[0]!.stats().cpu.throttledMs ?? 0) - before).toBeLessThan(50);
      await spinners[0]!.kill();
    } finally {
      await shared.dispose();
    }
  }, 30_000);
});
