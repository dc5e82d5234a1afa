// Quotas in Chromium: a container spinning without syscalls is killed at
// once (instrumented guests check in every millisecond or so) instead of
// having its worker terminated, which Chromium lets burn a core for 2 s;
// CPU-time and memory limits end containers with the right status; and the
// page stays responsive throughout.
import { expect, test } from './fixtures';

test('a spinning container is killed at once, reported 137 with its files, and the page stays responsive', async ({ playground }) => {
  const { page, exitStatus } = playground;
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const spinners = await Promise.all([rt.run('crash', { args: ['spin'], name: 'e2e-spinner' }), rt.run('crash', { args: ['spin'] })]);
    for (let i = 0; i < 2500 && !spinners.every((c) => c.output().includes('spinning')); i++) await sleep(4);
    // The page's timers while two guests spin on both cores.
    let lagMs = 0;
    const until = performance.now() + 400;
    while (performance.now() < until) {
      const asked = performance.now();
      await sleep(10);
      lagMs = Math.max(lagMs, performance.now() - asked - 10);
    }
    const [c, other] = spinners as [typeof spinners[0], typeof spinners[0]];
    await c.writeFile('/tmp/kept.txt', 'written while it spun'); // served by its interrupt checks
    const started = performance.now();
    await c.kill();
    const status = await c.wait();
    const killMs = performance.now() - started;
    const kept = new TextDecoder().decode(await c.readFile('/tmp/kept.txt'));
    await other.kill();
    const otherStatus = await other.wait();
    const hello = await rt.run('hello', { args: ['--quiet'] });
    return { status, state: c.state, killMs, lagMs, kept, otherExit: otherStatus.exitCode, otherState: other.state, helloExit: (await hello.wait()).exitCode };
  });
  expect(result.status).toMatchObject({ reason: 'killed', signal: 'SIGKILL', exitCode: 137, oomKilled: false });
  expect(result.state).toBe('exited'); // its worker was never terminated
  expect(result.killMs).toBeLessThan(80); // the runtime would terminate the worker after 100 ms
  expect(result.kept).toBe('written while it spun');
  expect(result).toMatchObject({ otherExit: 137, otherState: 'exited', helloExit: 0 });
  expect(result.lagMs).toBeLessThan(250);
  await expect(page.locator('#containers-body tr[data-name="e2e-spinner"]')).toHaveAttribute('data-state', 'exited');

  // The UI still works: a run through the panel.
  await playground.run('hello', 'after the spinners');
  await expect(exitStatus).toHaveAttribute('data-exit-code', '0');
});

test('CPU-time and memory limits end containers with their reasons; a cpus share throttles', async ({ playground: { page } }) => {
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    const spent = await rt.run('crash', { args: ['spin'], cpuTimeMs: 150 });
    const cpu = await spent.wait();
    const hungry = await rt.run('crash', { args: ['oom-abort'], memory: '16m' });
    const oom = await hungry.wait();
    const shared = await rt.run('crash', { args: ['spin'], cpus: 0.5 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stats = shared.stats();
    const wall = Date.now() - shared.info().startedAt!;
    await shared.kill();
    const invalid = await rt.run('hello', { memory: 'lots' }).then(() => 'accepted', (error: Error) => `${error.name}: ${error.message}`);
    return { cpu, oom, oomStderr: hungry.output({ stdout: false }), throttledShare: stats.cpu.throttledMs! / wall, invalid };
  });
  expect(result.cpu).toMatchObject({ reason: 'killed', signal: 'SIGXCPU', exitCode: 152, message: 'CPU time limit of 150 ms exceeded' });
  expect(result.oom).toMatchObject({ reason: 'oom', oomKilled: true, exitCode: 137 });
  expect(result.oomStderr).toMatch(/malloc failed after 1[0-5] MiB/);
  expect(result.throttledShare).toBeGreaterThan(0.3); // half of its life asleep (0.5), less the start
  expect(result.throttledShare).toBeLessThan(0.7);
  expect(result.invalid).toBe('InvalidOptionsError: invalid option memory: "lots" is not a size (bytes, or a number with b, k, m or g)');
});
