// Test helpers: run a script through a Shell over a FakeHost and collect its output.

import { Shell } from '../index';
import { FakeHost } from './FakeHost';
import { FakeTerminal, Sink, Source } from './streams';

export interface RunResult {
  status: number;
  out: string;
  err: string;
  host: FakeHost;
}

export interface RunOptions {
  host?: FakeHost;
  stdin?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** argv after `sh -c SCRIPT` (name and positional parameters). */
  args?: string[];
}

/** `sh -c script` with non-terminal stdio. */
export async function sh(script: string, options: RunOptions = {}): Promise<RunResult> {
  const host = options.host ?? new FakeHost();
  const out = new Sink();
  const err = new Sink();
  const shell = new Shell(host, {
    argv: ['sh', '-c', script, ...(options.args ?? [])],
    env: { HOME: '/root', PATH: '/bin:/usr/bin', ...options.env },
    cwd: options.cwd ?? '/root',
    stdio: { stdin: new Source(options.stdin ?? ''), stdout: out, stderr: err },
    interactive: false,
  });
  const status = await shell.run();
  return { status, out: out.text, err: err.text, host };
}

/** An interactive shell on a fake terminal (stdout and stderr both go to the terminal). */
export function interactive(host = new FakeHost(), env: Record<string, string> = {}): { shell: Shell; term: FakeTerminal; host: FakeHost; done: Promise<number> } {
  const term = new FakeTerminal();
  const shell = new Shell(host, {
    argv: ['sh'],
    env: { HOME: '/root', PATH: '/bin:/usr/bin', USER: 'root', PS1: '$ ', ...env },
    cwd: '/root',
    stdio: { stdin: term.stream, stdout: term.stream, stderr: term.stream },
    interactive: true,
  });
  const done = shell.run();
  return { shell, term, host, done };
}

/** Waits until the terminal output ends with `text` (a prompt), polling the event loop. */
export async function until(term: FakeTerminal, predicate: (output: string) => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!predicate(term.output)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; terminal shows: ${JSON.stringify(term.output)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
