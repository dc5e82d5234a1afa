// Signal numbers and names as on Linux, which is what learners and Docker
// report (exit code 128 + N).

export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGXCPU: 24,
};

export function signalName(signal: number): string {
  return Object.keys(SIGNALS).find((name) => SIGNALS[name] === signal) ?? `SIG${signal}`;
}

/** Parses 'SIGTERM', 'TERM', '15' or 15; undefined when unknown. */
export function parseSignal(signal: string | number): number | undefined {
  if (typeof signal === 'number') return Number.isInteger(signal) && signal > 0 && signal < 65 ? signal : undefined;
  const trimmed = signal.trim().toUpperCase();
  if (/^\d+$/.test(trimmed)) return parseSignal(Number(trimmed));
  return SIGNALS[trimmed.startsWith('SIG') ? trimmed : `SIG${trimmed}`];
}

/** Signals whose default action is to do nothing (and stop signals: a worker cannot be stopped). */
const IGNORED_BY_DEFAULT = new Set([17, 18, 19, 20, 21, 22, 23, 28]); // CHLD CONT STOP TSTP TTIN TTOU URG WINCH

export function terminatesByDefault(signal: number): boolean {
  return !IGNORED_BY_DEFAULT.has(signal);
}
