import { expect, test, waitForRuntime } from './fixtures';

test.describe.configure({ timeout: 180_000 });

test('the fleet page spawns across hosts, scales, kills a container and a host', async ({ page, pageErrors }) => {
  await page.goto('/fleet.html?hosts=2&n=24');
  await waitForRuntime(page, 90_000);
  await expect(page.locator('#fleet-hosts .fleet-host')).toHaveCount(3); // this page and two frames

  await page.getByLabel('Image').selectOption('ticker');
  await page.getByLabel('Arguments').fill('200');
  await page.getByRole('button', { name: 'Spawn' }).click();
  await expect(page.locator('#total-running')).toHaveText('24', { timeout: 60_000 });
  // Spread: every host got some.
  for (const host of ['h1', 'h2', 'h3']) await expect(page.locator(`.tile[data-host="${host}"]`).first()).toBeVisible();
  // Tiles show each container's last line of output.
  await expect(page.locator('.tile[data-state="running"]').first()).toContainText(/tick \d+ from [0-9a-f]{12}/);
  await expect(page.locator('#spawn-timing')).toContainText('all running');

  await page.getByRole('button', { name: '+10' }).click();
  await expect(page.locator('#total-running')).toHaveText('34', { timeout: 60_000 });
  await page.getByRole('button', { name: '−10' }).click();
  await expect(page.locator('#total-running')).toHaveText('24', { timeout: 30_000 });

  await page.getByRole('button', { name: 'Kill a random container' }).click();
  await expect(page.locator('#total-running')).toHaveText('23', { timeout: 30_000 });
  await expect(page.locator('.tile[data-state="exited"]')).toHaveCount(1);

  // Kill a frame host: its containers are reported lost, the others keep running.
  const onH2 = await page.locator('.tile[data-host="h2"][data-state="running"]').count();
  expect(onH2).toBeGreaterThan(0);
  await page.getByLabel('Host to kill').selectOption('h2');
  await page.getByRole('button', { name: 'Kill host' }).click();
  await expect(page.locator('#total-lost')).toHaveText(String(onH2));
  await expect(page.locator('.tile[data-host="h2"][data-state="dead"]')).toHaveCount(onH2);
  await expect(page.locator('#total-running')).toHaveText(String(23 - onH2));
  await expect(page.locator('.fleet-host[data-host="h2"]')).toHaveAttribute('data-state', 'removed');
  // A host added at run time takes new containers.
  await page.getByRole('button', { name: 'Add host' }).click();
  await expect(page.locator('.fleet-host[data-host="h4"]')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Still ticking elsewhere.
  const tile = page.locator('.tile[data-host="h1"][data-state="running"]').first();
  const before = await tile.textContent();
  await expect(tile).not.toHaveText(before!, { timeout: 5_000 });
  expect(pageErrors).toEqual([]);
});

test('a host that crashes is detected by the heartbeat and its containers reported lost', async ({ page }) => {
  await page.goto('/fleet.html?hosts=1');
  await waitForRuntime(page, 90_000);
  const lost = await page.evaluate(async () => {
    const fleet = window.flotillaFleet!;
    const c = await fleet.run('ticker', { args: ['100'], host: 'h2' });
    // The host page stops answering: navigate its frame away (as a crash would leave it silent).
    const frame = document.querySelector<HTMLIFrameElement>('.fleet-frames iframe')!;
    frame.src = 'about:blank';
    const status = await c.wait();
    return { status, host: fleet.hosts().find((h) => h.id === 'h2') };
  });
  expect(lost.status.reason).toBe('lost');
  expect(lost.status.message).toContain('stopped answering');
  expect(lost.host?.state).toBe('lost');
});

test('more containers than one renderer holds wasm memories for run at once across hosts', async ({ page }) => {
  await page.goto('/fleet.html?hosts=2');
  await waitForRuntime(page, 90_000);
  const result = await page.evaluate(async () => {
    const fleet = window.flotillaFleet!;
    fleet.placement = 'pack';
    const count = 180; // one renderer tops out near 124 live wasm memories (PLATFORM.md)
    let next = 0;
    const worker = async () => { while (next++ < count) await fleet.run('crash', { args: ['sleep', '600'] }); };
    await Promise.all(Array.from({ length: 32 }, worker));
    const running = fleet.list().length;
    const perHost = Object.fromEntries(fleet.hosts().map((h) => [h.id, h.load]));
    return { running, perHost };
  });
  expect(result.running).toBe(180);
  // Packed: the page host filled to its capacity, the rest went to a frame.
  expect(result.perHost.h1).toBe(100);
  expect(result.perHost.h2! + result.perHost.h3!).toBe(80);
});

test('a network spans hosts in the browser: curl on one frame host reaches httpd on another', async ({ page }) => {
  await page.goto('/fleet.html?hosts=2');
  await waitForRuntime(page, 90_000);
  const result = await page.evaluate(async () => {
    const fleet = window.flotillaFleet!;
    await fleet.networks.create('e2e-mesh');
    const web = await fleet.run('httpd', { name: 'mesh-web', networks: [{ network: 'e2e-mesh', aliases: ['www'] }], host: 'h2' });
    for (let i = 0; i < 200 && !web.output().includes('listening'); i++) await new Promise((r) => setTimeout(r, 25));
    const client = await fleet.run('base', { args: ['-c', 'curl -s http://www/healthz && curl -s -i http://mesh-web/nope | head -n 1'], networks: ['e2e-mesh'], host: 'h3' });
    const status = await client.wait();
    const page = await fleet.fetch('mesh-web', 80, '/healthz');
    return { output: client.output(), exitCode: status.exitCode, hosts: [web.hostId, client.hostId], fetched: [page.status, await page.text()] };
  });
  expect(result.hosts).toEqual(['h2', 'h3']);
  expect(result.output).toMatch(/^ok\nHTTP\/1\.1 404 Not Found\r?\n$/);
  expect(result.exitCode).toBe(0);
  expect(result.fetched).toEqual([200, 'ok\n']);
});
