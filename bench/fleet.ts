// Scale across hosts (issue 5), in Chromium: how many containers one host
// (one renderer process) really holds, and how fast a tab with several hosts
// gets to 10, 100 and 500 running containers. Containers are `crash sleep`
// (idle, one wasm memory each). Not a test: it reports, it does not judge.

import type { Browser } from 'playwright-core';
import type { Fleet } from '../src/hosts/Fleet';


export interface FleetBenchResult {
  /** Containers one host ran before one failed to start, and why the first one failed. */
  perHost: { running: number; firstFailure?: string };
  /** ms from the request until N containers were running, across hosts. */
  untilRunningMs: Record<string, number>;
  /** Containers running at once in the tab across all hosts, and per host. */
  perTab: { running: number; hosts: Record<string, number>; failed: number };
}

const TARGETS = [10, 100, 500];
/** Warm workers per host before the burst: 500 over six hosts is ≈84 each. */
const POOL_PER_HOST = 90;

export async function benchFleet(browser: Browser, baseUrl: string): Promise<FleetBenchResult> {
  const page = await browser.newPage();
  try {
    await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    // One frame host with no capacity limit of ours: the renderer's own limit shows.
    const oneHost = new URL('fleet.html', baseUrl);
    oneHost.searchParams.append('host', `${new URL(baseUrl).protocol}//h9.localhost:${new URL(baseUrl).port}/host.html?capacity=1000&pool=16`);
    await page.goto(oneHost.href);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 120_000 });
    const perHost = await page.evaluate(async () => {
      const fleet = (window as unknown as { flotillaFleet: Fleet }).flotillaFleet;
      let running = 0;
      let firstFailure: string | undefined;
      for (let i = 0; i < 400 && !firstFailure; i++) {
        try {
          const container = await fleet.run('crash', { args: ['sleep', '600'], host: 'h2' });
          // A container the engine could not give memory ends at once.
          const ended = await Promise.race([container.wait().then((status) => `${status.reason}: ${status.message ?? status.exitCode}`), new Promise<undefined>((resolve) => setTimeout(resolve, 150))]);
          if (ended) firstFailure = ended;
          else running++;
        } catch (error) {
          firstFailure = error instanceof Error ? error.message : String(error);
        }
      }
      return { running, firstFailure };
    });
    await page.close();

    const tab = await browser.newPage();
    await tab.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    // Six hosts (this page and five frames), each with a warm pool for its share of the burst.
    await tab.goto(new URL(`fleet.html?hosts=5&pool=${POOL_PER_HOST}`, baseUrl).href);
    await tab.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 120_000 });
    await tab.waitForFunction(async (pool) => {
      const loads = await (window as unknown as { flotillaFleet: Fleet }).flotillaFleet.hostLoads();
      return Object.values(loads).every((load) => load.idleWorkers >= pool);
    }, POOL_PER_HOST, { timeout: 180_000, polling: 1000 });
    const perTab = await tab.evaluate(async (targets) => {
      const fleet = (window as unknown as { flotillaFleet: Fleet }).flotillaFleet;
      // Every host loads and compiles the image once first: the burst measures starts, not downloads.
      const warm = await Promise.all(fleet.hosts().map((host) => fleet.run('crash', { args: ['sleep', '600'], host: host.id })));
      await Promise.all(warm.map((container) => container.remove({ force: true })));
      await new Promise((resolve) => setTimeout(resolve, 1000)); // pools refill
      const total = targets[targets.length - 1]!;
      const untilRunningMs: Record<string, number> = {};
      const start = performance.now();
      let running = 0;
      const off = fleet.onEvent((event) => {
        if (event.type !== 'started') return;
        running++;
        for (const target of targets) if (running === target) untilRunningMs[target] = performance.now() - start;
      });
      const { failed } = await fleet.runMany('crash', total, { args: ['sleep', '600'] });
      off();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const live = fleet.list();
      const hosts: Record<string, number> = {};
      for (const info of live) hosts[info.host] = (hosts[info.host] ?? 0) + 1;
      return { untilRunningMs, running: live.length, hosts, failed };
    }, TARGETS);
    await tab.close();
    return { perHost, untilRunningMs: perTab.untilRunningMs, perTab: { running: perTab.running, hosts: perTab.hosts, failed: perTab.failed } };
  } finally {
    if (!page.isClosed()) await page.close();
  }
}
