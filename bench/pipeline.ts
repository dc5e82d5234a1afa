// `seq 1 1000000 | sort -n | tail -1` inside a base container (the built-in
// shell, three process workers, two shared-memory pipes) against the same
// pipeline on the host, in the same run. Medians of a few runs.

import { execFileSync } from 'node:child_process';
import type { Runtime } from '../src/api';

export const PIPELINE = 'seq 1 1000000 | sort -n | tail -1';

export interface PipelineResult {
  readonly containerMs: number;
  readonly hostMs: number | undefined;
  readonly runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchPipeline(rt: Runtime, runs = 3): Promise<PipelineResult> {
  const container: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const c = await rt.run('base', { args: ['-c', PIPELINE] });
    const status = await c.wait();
    container.push(performance.now() - started);
    if (status.exitCode !== 0 || c.output({ stderr: false }).trim() !== '1000000') {
      throw new Error(`the pipeline failed in the container: ${status.exitCode} ${c.output()}`);
    }
    await c.remove();
  }
  const host: number[] = [];
  for (let i = 0; i < runs; i++) {
    try {
      const started = performance.now();
      execFileSync('sh', ['-c', PIPELINE], { stdio: 'pipe' });
      host.push(performance.now() - started);
    } catch {
      break; // no POSIX shell on this host: report the container alone
    }
  }
  return { containerMs: median(container), hostMs: host.length ? median(host) : undefined, runs };
}
