// Small statistics shared by the peer benchmarks (no imports: bundled into the page too).

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile of the values (sorted or not); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const ordered = sorted(values);
  return ordered[Math.min(ordered.length - 1, Math.max(0, Math.ceil((p / 100) * ordered.length) - 1))]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** "key=value key=value" lines printed by iobench → numbers. */
export function parseFields(text: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const match of text.matchAll(/(\w+)=([\d.]+)/g)) fields[match[1]!] = Number(match[2]);
  return fields;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects after `ms` with `what` timed out. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
}
