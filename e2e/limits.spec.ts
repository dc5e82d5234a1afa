import { expect, test } from './fixtures';

test('stats in the page: a guest holding memory and a process shows in stats() and the containers list', async ({ playground: { page } }) => {
  const stats = await page.evaluate(async () => {
    const rt = window.flotilla!;
    const c = await rt.run('stress', { name: 'e2e-holder', openStdin: true, pids: 9, args: ['alloc', '8', ';', 'open', '/data/file', '6', ';', 'say', 'holding', ';', 'hold'] });
    const deadline = Date.now() + 10_000;
    while (!(c.output().includes('holding') && c.stats().fds.open === 10) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return c.stats();
  });
  expect(stats.memory.bytes).toBeGreaterThanOrEqual(8 * 1024 * 1024);
  expect(stats).toMatchObject({ pids: { current: 1, limit: 9 }, fds: { open: 10 }, state: 'running' });
  await expect(page.locator('#containers-body tr[data-name="e2e-holder"] td.usage')).toContainText('1 pid');
  await page.evaluate(() => window.flotilla!.get('e2e-holder').stdin.close());
  await expect(page.locator('#containers-body tr[data-name="e2e-holder"]')).toHaveAttribute('data-state', 'exited');
});

test('256 MB of stdout flows to the page without stalling it, and the log stays bounded', async ({ playground: { page } }) => {
  const result = await page.evaluate(async () => {
    const rt = window.flotilla!;
    let maxGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    const c = await rt.run('stress', { args: ['stdout', '256M'] });
    let received = 0;
    c.onLog((chunk) => { received += chunk.data.length; });
    const status = await c.wait();
    clearInterval(ticker);
    return { exitCode: status.exitCode, received, maxGap, logs: c.stats().logs };
  });
  expect(result).toMatchObject({ exitCode: 0, received: 256 * 1024 * 1024, logs: { bytes: 1024 * 1024, droppedBytes: 255 * 1024 * 1024 } });
  expect(result.maxGap).toBeLessThan(1000);
});
