// Fault-tolerance figures in Chromium (issue 4): does the page stay
// responsive while 50 containers spin at full CPU (main-thread long tasks,
// timer lateness), how soon a killed spinner's replacement runs, and how
// soon an over-limit guest is reported OOMKilled. Not a test.

import type { Browser } from 'playwright-core';
import type { FlotillaRuntime } from '../src/api/types';

export interface SpinnerBenchResult {
  readonly spinners: number;
  /** Main-thread tasks over 50 ms while they spin (PerformanceObserver 'longtask'), and the longest (ms). */
  readonly longTasks: number;
  readonly longestTaskMs: number;
  /** Worst lateness of a 5 ms page timer while they spin (ms). */
  readonly timerLagMaxMs: number;
  /** kill() of one spinner → a new container's first output (ms, median). */
  readonly replacementMs: number;
  /** start of a guest that allocates past its 32 MiB memory limit → OOMKilled reported (ms, median). */
  readonly oomReportedMs: number;
}

/** Self-contained: Playwright serialises it into the playground page. */
export async function runSpinnerBench(options: { spinners: number; observeMs: number; rounds: number }): Promise<SpinnerBenchResult> {
  const rt = (globalThis as unknown as { flotilla: FlotillaRuntime }).flotilla;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (ready: () => boolean) => { for (let i = 0; i < 5000 && !ready(); i++) await sleep(2); };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  const spinners = await Promise.all(Array.from({ length: options.spinners }, () => rt.run('crash', { args: ['spin'] })));
  await until(() => spinners.every((c) => c.output().includes('spinning')));

  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) tasks.push(entry.duration); });
  observer.observe({ type: 'longtask', buffered: false });
  let lagMax = 0;
  const end = performance.now() + options.observeMs;
  while (performance.now() < end) {
    const before = performance.now();
    await sleep(5);
    lagMax = Math.max(lagMax, performance.now() - before - 5);
  }
  observer.disconnect();

  const replacements: number[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const victim = spinners[i]!;
    const start = performance.now();
    await victim.kill();
    const next = await rt.run('crash', { args: ['spin'] });
    await until(() => next.output().includes('spinning'));
    replacements.push(performance.now() - start);
    spinners[i] = next;
  }

  const ooms: number[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const start = performance.now();
    const hungry = await rt.run('crash', { args: ['oom'], memory: '32m' } as Parameters<FlotillaRuntime['run']>[1]);
    const status = await hungry.wait();
    if (status.oomKilled) ooms.push(performance.now() - start);
    await hungry.remove();
  }
  await Promise.all(spinners.map((c) => c.remove({ force: true })));
  return {
    spinners: options.spinners,
    longTasks: tasks.length,
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    timerLagMaxMs: lagMax,
    replacementMs: median(replacements),
    oomReportedMs: ooms.length ? median(ooms) : Number.NaN,
  };
}

export async function benchSpinners(browser: Browser, baseUrl: string): Promise<SpinnerBenchResult> {
  const page = await browser.newPage();
  try {
    await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    await page.goto(new URL('?pool=60', baseUrl).href);
    await page.waitForFunction(() => (globalThis as { flotilla?: unknown }).flotilla !== undefined, undefined, { timeout: 60_000 });
    return await page.evaluate(runSpinnerBench, { spinners: 50, observeMs: 3000, rounds: 5 });
  } finally {
    await page.close();
  }
}

export function spinnersMarkdown(r: SpinnerBenchResult): string {
  return [
    '| measurement (Chromium, playground page) | value |',
    '|---|---|',
    `| main-thread tasks over 50 ms while ${r.spinners} containers spin at full CPU (3 s; goal: none) | ${r.longTasks}${r.longTasks ? ` (longest ${r.longestTaskMs.toFixed(0)} ms)` : ''} |`,
    `| worst lateness of a 5 ms page timer meanwhile | ${r.timerLagMaxMs.toFixed(1)} ms |`,
    `| kill() of a spinner → its replacement's first output (median of 5) | ${r.replacementMs.toFixed(1)} ms |`,
    `| start of a guest allocating past its 32 MiB limit → OOMKilled reported (median of 5) | ${Number.isNaN(r.oomReportedMs) ? 'n/a' : `${r.oomReportedMs.toFixed(1)} ms`} |`,
  ].join('\n');
}
