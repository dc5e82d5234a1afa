import type { ExitStatus } from '../api/types';

/** One line for a person: "Exited with code 3", "Trapped: unreachable (exit code 134)". */
export function describeExit(status: ExitStatus): string {
  const code = `exit code ${status.exitCode}`;
  const detail = status.message ? `: ${status.message}` : '';
  switch (status.reason) {
    case 'exited':
      return `Exited with code ${status.exitCode}`;
    case 'killed':
      return `Killed by ${status.signal ?? 'a signal'} (${code})`;
    case 'trapped':
      return `Trapped${detail} (${code})`;
    case 'oom':
      return `Out of memory${detail} (${code})`;
    case 'error':
      return `Could not run${detail} (${code})`;
    default:
      return `Ended (${code})`;
  }
}

export function duration(status: ExitStatus): string {
  const ms = Math.max(0, status.finishedAt - status.startedAt);
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
