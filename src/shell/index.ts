// Flotilla's /bin/sh: `sh -c CMD`, `sh script args`, or commands from stdin
// (interactive: prompts, profile files, job notices, history). The
// container runtime constructs a Shell per invocation of the built-in
// program; everything outside goes through the ShellHost.

import { complete } from './completion';
import { ExitSignal, InterruptSignal, ShellError, ShellSyntaxError } from './errors';
import type { ShellHost, ShellStdio } from './host';
import { decode, Io, lineReader, writeText } from './io';
import { Interp, SharedContext } from './interp';
import type { ProcessGroup } from './jobs';
import { Parser } from './parser';
import { resolvePath } from './paths';
import { expandPrompt } from './prompt';
import { ShellState } from './state';

export type { ShellHost, ShellStdio, ShellStream, ShellProcess, ShellStat, SpawnOptions } from './host';
export { ShellHostError } from './host';
export { SHELL_MARKER } from './launcher';

export interface ShellInit {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly stdio: ShellStdio;
  readonly interactive: boolean;
}

/** How a nested shell (a script run by a shell) shares its parent's Ctrl-C handling and process group. */
interface NestedInit {
  readonly shared: SharedContext;
  readonly group: ProcessGroup | undefined;
}

type Source = { kind: 'string'; text: string } | { kind: 'file'; path: string; name: string } | { kind: 'stdin' };

export class Shell {
  private readonly interp: Interp;
  private readonly shared: SharedContext;
  private readonly io: Io;
  private readonly source: Source;
  private readonly interactive: boolean;
  private readonly usageError: string | undefined;
  private readonly login: boolean;

  constructor(private readonly host: ShellHost, options: ShellInit, nested?: NestedInit) {
    const state = new ShellState();
    for (const [k, v] of Object.entries(options.env)) state.set(k, v, true);
    state.cwd = options.cwd;
    state.set('PWD', options.cwd, true);
    if (state.get('PATH') === undefined) state.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', true);
    state.set('PS2', state.get('PS2') ?? '> ');
    state.set('PS4', state.get('PS4') ?? '+ ');
    state.set('PPID', state.get('PPID') ?? '0');

    // sh [-eux] [-i] [-l] [-s | -c CMD [NAME [ARG...]] | SCRIPT [ARG...]]
    const argv = options.argv;
    state.arg0 = argv[0] ?? 'sh';
    let interactive = options.interactive;
    let command: string | undefined;
    let readStdin = false;
    let i = 1;
    let usage: string | undefined;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--' || a === '-') { i++; break; }
      if (!/^[-+][a-z]+$/.test(a)) break;
      if (a === '-o' || a === '+o') { i++; continue; }
      for (const f of a.slice(1)) {
        if (f === 'c') command = '';
        else if (f === 'i') interactive = true;
        else if (f === 'l') continue; // login shells: accepted, see FLOTILLA_LOGIN below
        else if (f === 's') readStdin = true;
        else if (f === 'e') state.options.errexit = a[0] === '-';
        else if (f === 'u') state.options.nounset = a[0] === '-';
        else if (f === 'x') state.options.xtrace = a[0] === '-';
        else if (f === 'f') state.options.noglob = a[0] === '-';
        else usage = `-${f}: invalid option`;
      }
    }
    if (command !== undefined) {
      command = argv[i++];
      if (command === undefined) usage = '-c: option requires an argument';
      if (i < argv.length) state.arg0 = argv[i++];
      state.positional = argv.slice(i);
      this.source = { kind: 'string', text: command ?? '' };
      interactive = false;
    } else if (!readStdin && i < argv.length) {
      state.arg0 = argv[i];
      state.positional = argv.slice(i + 1);
      this.source = { kind: 'file', path: resolvePath(options.cwd, argv[i]), name: argv[i] };
      interactive = false;
    } else {
      state.positional = argv.slice(i);
      this.source = { kind: 'stdin' };
    }
    if (interactive && state.get('PS1') === undefined) state.set('PS1', '\\u@\\h:\\w\\$ ');
    this.interactive = interactive;
    // /etc/motd is login's job: the runtime says so with FLOTILLA_LOGIN=1 (a `-sh` argv0 alone does not).
    // It is consumed here so that shells started from this one do not print it again.
    this.login = options.env.FLOTILLA_LOGIN === '1';
    state.unset('FLOTILLA_LOGIN');
    this.usageError = usage;

    this.shared = nested?.shared ?? new SharedContext();
    this.shared.runShell = (shArgv, env, cwd, io, group) => {
      // `sh` typed at a terminal is an interactive shell (the constructor turns -c and scripts
      // non-interactive again); it does its own job control, so it gets no group of ours.
      const tty = io.stdin.isTerminal && io.stderr.isTerminal;
      return new Shell(host, { argv: shArgv, env, cwd, stdio: io.stdio(), interactive: tty }, { shared: this.shared, group: tty ? undefined : group }).run();
    };
    this.interp = new Interp(host, state, this.shared, { interactive, forked: false, jobGroup: nested?.group });
    this.io = Io.fromStdio(options.stdio);
  }

  /** Runs to the end of the input (or `exit`); resolves with the exit status. */
  async run(): Promise<number> {
    if (this.usageError) {
      await this.interp.error(this.io, this.usageError);
      return 2;
    }
    const status = await this.runSource();
    return this.runExitTrap(status);
  }

  /** trap ... EXIT: runs once when the shell ends; `exit` inside it sets the final status. */
  private async runExitTrap(status: number): Promise<number> {
    const action = this.interp.state.traps.get('EXIT');
    if (action === undefined) return status;
    this.interp.state.traps.delete('EXIT');
    this.interp.state.status = status;
    try {
      await this.interp.runSource(action, this.io);
      return status;
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      this.interp.statusOf(e);
      return status;
    }
  }

  private async runSource(): Promise<number> {
    try {
      switch (this.source.kind) {
        case 'string':
          return await this.runText(this.source.text);
        case 'file': {
          let text: string;
          try {
            text = decode(this.host.readFile(this.source.path));
          } catch (e) {
            await this.interp.error(this.io, `${this.source.name}: ${e instanceof Error ? e.message : String(e)}`);
            return 127;
          }
          return await this.runText(text);
        }
        case 'stdin':
          return this.interactive ? await this.repl() : await this.runStdin();
      }
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      throw e;
    }
  }

  /** Ctrl-C while the shell itself is in the foreground: abandon the current line or builtin (status 130). */
  interrupt(): void {
    this.shared.interrupt();
  }

  async complete(line: string, cursor: number): Promise<string[]> {
    return complete(line, cursor, this.interp.state, this.host);
  }

  private alias = (name: string): string | undefined => this.interp.state.aliases.get(name);

  /** A script or -c string: parsed one complete command at a time, so aliases and syntax errors behave like sh. */
  private async runText(text: string): Promise<number> {
    const parser = new Parser(text, { alias: this.alias });
    for (;;) {
      let list;
      try {
        list = parser.parseCommandLine();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        await this.interp.error(this.io, `syntax error: ${e.message}`);
        return 2;
      }
      if (!list) return this.interp.state.status;
      const status = await this.execTop(() => this.interp.execList(list, this.io));
      if (status === 'exit') return this.exitStatus;
    }
  }

  private exitStatus = 0;

  /** Runs top-level commands; control flow that escapes them is resolved here. */
  private async execTop(fn: () => Promise<number>): Promise<number | 'exit'> {
    try {
      const s = await fn();
      this.interp.state.status = s;
      return s;
    } catch (e) {
      if (e instanceof ExitSignal) {
        this.exitStatus = e.status;
        return 'exit';
      }
      if (e instanceof InterruptSignal) {
        this.shared.interrupted = false;
        this.interp.state.status = 130;
        if (!this.interactive) {
          this.exitStatus = 130;
          return 'exit';
        }
        await writeText(this.io.stderr, '\n').catch(() => {});
        return 130;
      }
      if (e instanceof ShellError) {
        await this.interp.error(this.io, e.message);
        this.interp.state.status = e.status;
        if (e.fatal && !this.interactive) {
          this.exitStatus = e.status;
          return 'exit';
        }
        return e.status;
      }
      const s = this.interp.statusOf(e);
      this.interp.state.status = s;
      return s;
    }
  }

  /** Non-interactive commands from stdin: read and run line by line (programs may read the rest of stdin). */
  private async runStdin(): Promise<number> {
    const reader = lineReader(this.io.stdin);
    let buffer = '';
    for (;;) {
      const r = await reader.readLine();
      if (r === null) {
        if (buffer) {
          await this.interp.error(this.io, 'syntax error: unexpected end of file');
          return 2;
        }
        return this.interp.state.status;
      }
      buffer += r.line + '\n';
      const lists = this.parseBuffer(buffer);
      if (lists === 'incomplete') continue;
      buffer = '';
      if (lists instanceof ShellSyntaxError) {
        await this.interp.error(this.io, `syntax error: ${lists.message}`);
        return 2;
      }
      const status = await this.execTop(() => this.runParsed(lists));
      if (status === 'exit') return this.exitStatus;
    }
  }

  /** Whether the buffered lines form complete commands (aliases are looked up at parse time, as in sh). */
  private parseBuffer(text: string): 'incomplete' | ShellSyntaxError | string {
    try {
      new Parser(text, { alias: this.alias }).parseProgram();
      return text;
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      return e.incomplete ? 'incomplete' : e;
    }
  }

  /** Runs complete text one command line at a time so an alias defined on one line applies to the next. */
  private async runParsed(text: string): Promise<number> {
    const parser = new Parser(text, { alias: this.alias });
    let status = this.interp.state.status;
    for (;;) {
      const list = parser.parseCommandLine();
      if (!list) return status;
      status = await this.interp.execList(list, this.io);
      this.interp.state.status = status;
    }
  }

  private async repl(): Promise<number> {
    const state = this.interp.state;
    if (this.login) await this.printMotd();
    for (const f of ['/etc/profile', state.get('HOME') ? `${state.get('HOME')}/.profile` : undefined]) {
      if (f && this.host.stat(f)?.kind === 'file') {
        const status = await this.execTop(() => this.interp.runCommand(['.', f], [], this.io));
        if (status === 'exit') return this.exitStatus;
      }
    }
    const reader = lineReader(this.io.stdin);
    let buffer = '';
    for (;;) {
      if (!buffer) await this.notifyJobs();
      const ps = buffer ? state.get('PS2') ?? '> ' : state.get('PS1') ?? '$ ';
      await writeText(this.io.stderr, expandPrompt(ps, state)).catch(() => {});
      let r;
      try {
        r = await this.shared.interruptible(reader.readLine());
      } catch (e) {
        if (!(e instanceof InterruptSignal)) throw e;
        // Ctrl-C at the prompt: drop what was typed, new prompt on a new line.
        this.shared.interrupted = false;
        reader.discard();
        buffer = '';
        state.status = 130;
        await writeText(this.io.stderr, '\n').catch(() => {});
        continue;
      }
      if (r === null) {
        await writeText(this.io.stderr, buffer ? '\n' : 'exit\n').catch(() => {});
        return state.status;
      }
      buffer += r.line + '\n';
      const parsed = this.parseBuffer(buffer);
      if (parsed === 'incomplete') continue;
      const text = buffer;
      buffer = '';
      if (text.trim()) this.shared.history.push(text.replace(/\n$/, ''));
      if (parsed instanceof ShellSyntaxError) {
        await this.interp.error(this.io, `syntax error: ${parsed.message}`);
        state.status = 2;
        continue;
      }
      const status = await this.execTop(() => this.runParsed(parsed));
      if (status === 'exit') return this.exitStatus;
    }
  }

  private async notifyJobs(): Promise<void> {
    const lines = this.interp.jobs.reap();
    if (lines.length > 0) await writeText(this.io.stderr, lines.join('\n') + '\n').catch(() => {});
  }

  private async printMotd(): Promise<void> {
    try {
      if (this.host.stat('/etc/motd')?.kind !== 'file') return;
      await writeText(this.io.stdout, decode(this.host.readFile('/etc/motd')));
    } catch {
      // An unreadable motd is not worth failing the login for.
    }
  }
}
