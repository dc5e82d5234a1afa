// Signal numbers and names as on Linux, which is what learners and Docker
// report (exit code 128 + N).

export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
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

/** Thrown from a syscall to unwind a guest that received a terminating signal. */
export class SignalTermination extends Error {
  override readonly name = 'SignalTermination';
  constructor(readonly signal: number) {
    super(`terminated by ${signalName(signal)}`);
  }
}
