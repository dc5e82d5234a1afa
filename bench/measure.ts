// Measurements that run unchanged in Node and inside the page (Playwright
// serialises `runStartBench` into the browser), against the public API.
// The function is self-contained on purpose: no imports, no closures.

export interface StartBenchOptions {
  readonly runs: number;
  readonly concurrency: readonly number[];
}

export interface StartBenchResult {
  /** run() → first stdout byte of hello, ms, one per run (sorted). */
  readonly firstByteMs: number[];
  /** Wall time until N concurrent hello containers have all exited, ms. */
  readonly concurrentMs: Record<string, number>;
  readonly poolSize: number;
}

type MinimalRuntime = {
  run(image: string, options?: { args?: string[] }): Promise<{ onLog(listener: (chunk: unknown) => void): () => void; wait(): Promise<{ exitCode: number }>; remove(options?: { force?: boolean }): Promise<void>; output(): string }>;
  idleWorkers?: number;
  poolReady?: () => Promise<void>;
};

export async function runStartBench(options: StartBenchOptions, runtime?: unknown): Promise<StartBenchResult> {
  const rt = (runtime ?? (globalThis as { flotilla?: unknown }).flotilla) as MinimalRuntime;
  if (!rt) throw new Error('no runtime: pass one or expose window.flotilla');
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
  const waitForPool = async (minimum: number) => {
    for (let i = 0; i < 500 && (rt.idleWorkers ?? minimum) < minimum; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  // Measure starts from a full, warm pool, not against the pool still starting up.
  await rt.poolReady?.();
  const poolSize = rt.idleWorkers ?? 0;

  const firstByteMs: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await waitForPool(1);
    const started = performance.now();
    let firstByte = 0;
    const container = await rt.run('hello', { args: ['--quiet', '--stderr', 'x'] });
    // Output may already be there when run() resolves; else wait for it.
    await new Promise<void>((resolve) => {
      if (container.output().length > 0) { firstByte = performance.now(); resolve(); return; }
      const off = container.onLog(() => { firstByte = performance.now(); off(); resolve(); });
    });
    firstByteMs.push(firstByte - started);
    await container.wait();
    await container.remove();
  }
  firstByteMs.sort((a, b) => a - b);

  const concurrentMs: Record<string, number> = {};
  for (const count of options.concurrency) {
    await waitForPool(Math.min(count, poolSize));
    await settle();
    const started = performance.now();
    const containers = await Promise.all(Array.from({ length: count }, () => rt.run('hello', { args: ['--quiet'] })));
    const statuses = await Promise.all(containers.map((container) => container.wait()));
    concurrentMs[String(count)] = performance.now() - started;
    if (statuses.some((status) => status.exitCode !== 0)) throw new Error(`a hello container failed in the ${count}-container run`);
    await Promise.all(containers.map((container) => container.remove()));
  }
  return { firstByteMs, concurrentMs, poolSize };
}
