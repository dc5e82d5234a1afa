// The tree-walking interpreter: lists, and-or lists, pipelines, compound
// commands and simple commands. Programs and scripts are started by
// Launcher (launcher.ts); builtins live in builtins/. Control flow (break,
// return, exit, Ctrl-C) unwinds with the signal classes from errors.ts.

import type { AndOr, Command, List, ListItem, Pipeline, SimpleCommand } from './ast';
import { BreakSignal, BrokenPipeSignal, ExitSignal, InterruptSignal, ReturnSignal, ShellError, ShellSyntaxError } from './errors';
import { Expander, type ExpandContext } from './expansion';
import type { ShellHost, ShellStream } from './host';
import { closedStream, decode, Io, readAll, writeText } from './io';
import { JobTable, ProcessGroup } from './jobs';
import { Launcher } from './launcher';
import { matchPattern } from './pattern';
import { applyRedirects, closeAll } from './redirection';
import type { ShellState } from './state';
import { BUILTINS } from './builtins/index';
import { Parser } from './parser';
import { SharedContext } from './shared';

export { SharedContext };

export interface InterpConfig {
  readonly interactive: boolean;
  /** Set in forks that run inside one job: every program joins this group. */
  readonly jobGroup?: ProcessGroup;
  /** A fork (subshell, pipeline stage): a builtin's broken pipe ends it like SIGPIPE. */
  readonly forked: boolean;
}

export class Interp implements ExpandContext {
  readonly expander: Expander;
  readonly launcher: Launcher;
  readonly jobs = new JobTable();
  /** Depth of contexts where a failure must not trigger `set -e` (if/while conditions, && ||, !). */
  private conditionDepth = 0;
  loopDepth = 0;
  functionDepth = 0;
  sourceDepth = 0;
  /** Status of the last $(...) of the command being expanded (the status of an assignment-only command). */
  private substStatus: number | undefined;
  /** Streams opened by `exec >file`: the shell keeps them until replaced. */
  private readonly execStreams: ShellStream[] = [];

  constructor(readonly host: ShellHost, readonly state: ShellState, readonly shared: SharedContext, readonly config: InterpConfig) {
    this.expander = new Expander(this);
    this.launcher = new Launcher(this);
  }

  get interactive(): boolean {
    return this.config.interactive;
  }

  fork(jobGroup: ProcessGroup | undefined): Interp {
    const child = new Interp(this.host, this.state.fork(), this.shared, { interactive: false, jobGroup: jobGroup ?? this.config.jobGroup, forked: true });
    child.onStart = this.onStart;
    child.cancelToken = this.cancelToken;
    return child;
  }

  // -- ExpandContext --

  assign(name: string, value: string): void {
    if (!this.state.set(name, value)) throw new ShellError(`${name}: is read only`, 2, true);
  }

  async commandSubstitution(body: List): Promise<string> {
    const { reader, writer } = this.host.pipe();
    const child = this.fork(undefined);
    const outer = this.errIo ?? new Io(new Map());
    const run = child.runForked(() => child.execList(body, outer.with(1, writer))).finally(() => writer.close());
    const [bytes, status] = await Promise.all([readAll(reader).finally(() => reader.close()), run]);
    this.substStatus = status;
    return decode(bytes);
  }

  /** stderr of the command being expanded, for $(...) diagnostics. */
  errIo: Io | undefined;

  // -- diagnostics --

  async error(io: Io, message: string): Promise<void> {
    try {
      await writeText(io.stderr, `sh: ${message}\n`);
    } catch {
      // Nobody reads stderr any more: nothing sensible to do.
    }
  }

  /** Runs a forked body to completion, turning control flow into an exit status (a subshell boundary). */
  async runForked(body: () => Promise<number>): Promise<number> {
    try {
      return await body();
    } catch (e) {
      return this.statusOf(e);
    }
  }

  statusOf(e: unknown): number {
    if (e instanceof ExitSignal) return e.status;
    if (e instanceof ReturnSignal) return e.status;
    if (e instanceof BreakSignal) return 0;
    if (e instanceof BrokenPipeSignal) return 141;
    if (e instanceof InterruptSignal) return 130;
    if (e instanceof ShellError) return e.status;
    throw e;
  }

  // -- lists --

  async execList(list: List, io: Io): Promise<number> {
    let status = 0;
    for (const item of list.items) {
      status = await this.execItem(item, io);
    }
    return status;
  }

  async execItem(item: ListItem, io: Io): Promise<number> {
    await this.shared.checkpoint();
    if (this.cancelToken.cancelled) throw new ExitSignal(143);
    if (item.background) {
      await this.startBackground(item, io);
      this.state.status = 0;
      return 0;
    }
    return this.execAndOr(item.andOr, io);
  }

  private async startBackground(item: ListItem, io: Io): Promise<void> {
    const group = this.config.jobGroup ?? new ProcessGroup(this.host, false, this.interactive ? undefined : this.host.pgid);
    const child = this.fork(group);
    // Background jobs must not steal the terminal's input from the shell.
    const bgIo = io.stdin.isTerminal ? io.with(0, this.nullInput()) : io;
    // $! needs the pid of the job's first program: wait until it has one, or until the job is
    // clearly running shell code (a builtin or function came first) or is already over.
    let started!: () => void;
    const startedP = new Promise<void>((r) => { started = r; });
    child.onStart = started;
    child.cancelToken = { cancelled: false };
    const token = child.cancelToken;
    const done = child.runForked(() => child.execAndOr(item.andOr, bgIo)).finally(() => { if (bgIo !== io) bgIo.stdin.close(); });
    await Promise.race([startedP, done]);
    const job = this.jobs.add(group, item.text, done, () => { token.cancelled = true; });
    this.state.lastBgPid = job.pid;
    if (this.interactive) await writeText(io.stderr, `[${job.id}] ${job.pid}\n`).catch(() => {});
  }

  /** /dev/null when the container has one (hosts may only accept their own streams), else a closed stream. */
  nullInput(): ShellStream {
    try {
      return this.host.open('/dev/null', '<');
    } catch {
      return closedStream;
    }
  }

  /** Called when a program has been spawned or a builtin/function is about to run (background job announcement). */
  onStart: (() => void) | undefined;
  /** Shared by all forks of one background job: `kill %n` sets it and shell code of the job stops. */
  cancelToken = { cancelled: false };

  async execAndOr(ao: AndOr, io: Io): Promise<number> {
    // Every pipeline but the last is a condition (no errexit for it).
    let status = await this.conditional(ao.rest.length > 0, () => this.execPipeline(ao.first, io));
    let last: Pipeline = ao.first;
    for (let i = 0; i < ao.rest.length; i++) {
      const { op, pipeline } = ao.rest[i];
      if ((op === '&&') !== (status === 0)) continue;
      last = pipeline;
      status = await this.conditional(i < ao.rest.length - 1, () => this.execPipeline(pipeline, io));
    }
    this.state.status = status;
    const lastRan = last === (ao.rest.length ? ao.rest[ao.rest.length - 1].pipeline : ao.first);
    if (status !== 0 && this.state.options.errexit && this.conditionDepth === 0 && lastRan && !last.negate) {
      throw new ExitSignal(status);
    }
    return status;
  }

  /** Runs `fn` in a condition context when `cond` (no errexit inside). */
  async conditional<T>(cond: boolean, fn: () => Promise<T>): Promise<T> {
    if (cond) this.conditionDepth++;
    try {
      return await fn();
    } finally {
      if (cond) this.conditionDepth--;
    }
  }

  async execPipeline(p: Pipeline, io: Io): Promise<number> {
    const status = await this.conditional(p.negate, () => this.runPipeline(p, io));
    const result = p.negate ? (status === 0 ? 1 : 0) : status;
    this.state.status = result;
    return result;
  }

  private async runPipeline(p: Pipeline, io: Io): Promise<number> {
    const group = this.config.jobGroup ?? new ProcessGroup(this.host, this.interactive, this.interactive ? undefined : this.host.pgid);
    this.shared.activeGroups.add(group);
    try {
      if (p.commands.length === 1) {
        return await this.withGroup(group, () => this.execCommand(p.commands[0], io));
      }
      const pipes = p.commands.slice(1).map(() => this.host.pipe());
      const stages = p.commands.map((cmd, i) => {
        const owned: ShellStream[] = [];
        let stageIo = io;
        if (i > 0) {
          stageIo = stageIo.with(0, pipes[i - 1].reader);
          owned.push(pipes[i - 1].reader);
        }
        if (i < pipes.length) {
          stageIo = stageIo.with(1, pipes[i].writer);
          owned.push(pipes[i].writer);
        }
        const child = this.fork(group);
        // Each stage owns exactly its pipe ends and closes them when it ends: that is what gives the
        // next stage its EOF and the previous one its EPIPE.
        return child.runForked(() => child.execCommand(cmd, stageIo)).finally(() => { for (const s of owned) s.close(); });
      });
      const statuses = await Promise.all(stages);
      return statuses[statuses.length - 1];
    } finally {
      this.shared.activeGroups.delete(group);
      group.release();
    }
  }

  /** The group programs spawned by this interpreter join (set per pipeline). */
  group: ProcessGroup | undefined;

  private async withGroup<T>(group: ProcessGroup, fn: () => Promise<T>): Promise<T> {
    const saved = this.group;
    this.group = group;
    try {
      return await fn();
    } finally {
      this.group = saved;
    }
  }

  // -- commands --

  async execCommand(cmd: Command, io: Io): Promise<number> {
    if (!this.group && this.config.jobGroup) this.group = this.config.jobGroup;
    this.errIo = io;
    switch (cmd.type) {
      case 'simple':
        return this.execSimple(cmd, io);
      case 'function':
        this.state.functions.set(cmd.name, cmd);
        return 0;
      default:
        break;
    }
    let red;
    try {
      red = await applyRedirects(cmd.redirects, io, this.host, this.expander, this.state.cwd);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      await this.error(io, e.message);
      return e.status;
    }
    try {
      return await this.execCompound(cmd, red.io);
    } finally {
      closeAll(red.opened);
    }
  }

  private async execCompound(cmd: Exclude<Command, SimpleCommand | { type: 'function' }>, io: Io): Promise<number> {
    switch (cmd.type) {
      case 'brace':
        return this.execList(cmd.body, io);
      case 'subshell': {
        const child = this.fork(this.group);
        child.group = this.group;
        return child.runForked(() => child.execList(cmd.body, io));
      }
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((await this.conditional(true, () => this.execList(clause.cond, io))) === 0) return this.execList(clause.body, io);
        }
        return cmd.elseBody ? this.execList(cmd.elseBody, io) : 0;
      }
      case 'while':
      case 'until': {
        let status = 0;
        this.loopDepth++;
        try {
          for (;;) {
            const c = await this.conditional(true, () => this.execList(cmd.cond, io));
            if ((c === 0) !== (cmd.type === 'while')) break;
            const r = await this.loopBody(cmd.body, io);
            if (r === 'break') break;
            status = r === 'continue' ? 0 : r;
          }
        } finally {
          this.loopDepth--;
        }
        return status;
      }
      case 'for': {
        const items = cmd.items ? await this.expander.words(cmd.items) : [...this.state.positional];
        let status = 0;
        this.loopDepth++;
        try {
          for (const item of items) {
            this.assign(cmd.name, item);
            const r = await this.loopBody(cmd.body, io);
            if (r === 'break') break;
            status = r === 'continue' ? 0 : r;
          }
        } finally {
          this.loopDepth--;
        }
        return status;
      }
      case 'case': {
        const word = await this.expander.string(cmd.word);
        for (const item of cmd.items) {
          for (const pat of item.patterns) {
            if (matchPattern(await this.expander.pattern(pat), word)) return this.execList(item.body, io);
          }
        }
        return 0;
      }
    }
  }

  /** One loop iteration; break/continue with a count unwind through the enclosing loops. */
  private async loopBody(body: List, io: Io): Promise<number | 'break' | 'continue'> {
    try {
      return await this.execList(body, io);
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return e.isContinue ? 'continue' : 'break';
    }
  }

  private async execSimple(cmd: SimpleCommand, io: Io): Promise<number> {
    this.errIo = io;
    let argv: string[];
    const assigns: [string, string][] = [];
    try {
      this.substStatus = undefined;
      for (const a of cmd.assigns) assigns.push([a.name, await this.expander.string(a.value)]);
      argv = await this.expander.words(cmd.words);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      await this.error(io, e.message);
      if (e.fatal && !this.interactive) throw new ExitSignal(e.status);
      return e.status;
    }
    const substStatus = this.substStatus ?? 0;
    if (this.state.options.xtrace) {
      const trace = [...assigns.map(([k, v]) => `${k}=${v}`), ...argv].join(' ');
      await writeText(io.stderr, `${this.state.get('PS4') ?? '+ '}${trace}\n`).catch(() => {});
    }
    let red;
    try {
      red = await applyRedirects(cmd.redirects, io, this.host, this.expander, this.state.cwd);
    } catch (e) {
      if (!(e instanceof ShellError)) throw e;
      await this.error(io, e.message);
      return e.status;
    }
    try {
      if (argv.length === 0) {
        for (const [k, v] of assigns) this.assign(k, v);
        return substStatus;
      }
      if (argv.length === 1 && argv[0] === 'exec' && !this.state.functions.has('exec')) {
        // exec with only redirections: they stay applied to this shell.
        for (const [fd, stream] of red.io.fds) {
          const old = io.fds.get(fd);
          const i = old ? this.execStreams.indexOf(old) : -1;
          if (i >= 0 && ![...red.io.fds.values()].includes(old!)) {
            this.execStreams.splice(i, 1);
            old!.close();
          }
          io.fds.set(fd, stream);
        }
        for (const fd of [...io.fds.keys()]) if (!red.io.fds.has(fd)) io.fds.delete(fd);
        this.execStreams.push(...red.opened.splice(0));
        return 0;
      }
      return await this.runCommand(argv, assigns, red.io);
    } catch (e) {
      if (e instanceof BrokenPipeSignal && !this.config.forked) return 1;
      if (e instanceof ShellError) {
        await this.error(io, e.message);
        if (e.fatal && !this.interactive) throw new ExitSignal(e.status);
        return e.status;
      }
      throw e;
    } finally {
      closeAll(red.opened);
    }
  }

  /** Function, builtin or program, in that order (functions may wrap builtins with `command`). */
  async runCommand(argv: string[], assigns: [string, string][], io: Io, skipFunctions = false): Promise<number> {
    const name = argv[0];
    const fn = skipFunctions ? undefined : this.state.functions.get(name);
    const builtin = BUILTINS.get(name);
    if (fn || builtin) {
      this.onStart?.();
      // Prefix assignments hold only for the duration of a function or builtin.
      const saved = assigns.map(([k]) => [k, this.state.vars.get(k)] as const);
      for (const [k, v] of assigns) this.assign(k, v);
      try {
        if (fn) return await this.callFunction(fn.body, argv, io);
        return await builtin!.run({ interp: this, io, argv });
      } finally {
        for (const [k, v] of saved) {
          if (v) this.state.vars.set(k, { ...v, value: v.value });
          else this.state.vars.delete(k);
        }
      }
    }
    return this.launcher.run(argv, Object.fromEntries(assigns), io);
  }

  async callFunction(body: Command, argv: string[], io: Io): Promise<number> {
    const savedPositional = this.state.positional;
    this.state.positional = argv.slice(1);
    this.state.localFrames.push(new Map());
    this.functionDepth++;
    try {
      return await this.execCommand(body, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.functionDepth--;
      this.state.popLocals();
      this.state.positional = savedPositional;
    }
  }

  /** eval / source: parse and run text in the current environment, one complete command at a time. */
  async runSource(text: string, io: Io): Promise<number> {
    const parser = new Parser(text, { alias: (n) => this.state.aliases.get(n) });
    let status = 0;
    for (;;) {
      let list;
      try {
        list = parser.parseCommandLine();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        await this.error(io, `syntax error: ${e.message}`);
        if (!this.interactive) throw new ExitSignal(2);
        return 2;
      }
      if (!list) return status;
      status = await this.execList(list, io);
    }
  }
}
