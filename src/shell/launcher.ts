// Starting programs: PATH lookup, `#!` scripts (our own shell runs in
// process, other interpreters are spawned), spawn errors turned into the
// usual sh diagnostics and statuses (127 not found, 126 cannot execute).

import { ShellHostError, type ShellProcess } from './host';
import { decode, type Io, writeText } from './io';
import type { Interp } from './interp';
import { ProcessGroup } from './jobs';
import { basename, resolvePath } from './paths';

/** The marker /bin/sh carries in the base image: "this program is the built-in shell". */
export const SHELL_MARKER = '#!flotilla:sh';
const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'ash']);
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Launcher {
  constructor(private readonly interp: Interp) {}

  /** The absolute path a command name runs, or undefined. */
  find(name: string): string | undefined {
    const { host, state } = this.interp;
    if (name.includes('/')) {
      const p = resolvePath(state.cwd, name);
      return host.stat(p) ? p : undefined;
    }
    for (const dir of (state.get('PATH') ?? DEFAULT_PATH).split(':')) {
      const p = resolvePath(state.cwd, `${dir || '.'}/${name}`);
      if (host.stat(p)?.kind === 'file') return p;
    }
    return undefined;
  }

  async run(argv: string[], extraEnv: Record<string, string>, io: Io): Promise<number> {
    const interp = this.interp;
    const name = argv[0];
    const path = this.find(name);
    if (!path) {
      await interp.error(io, `${name}: not found`);
      return 127;
    }
    if (interp.host.stat(path)?.kind === 'directory') {
      await interp.error(io, `${name}: Is a directory`);
      return 126;
    }
    const env = { ...interp.state.env(), ...extraEnv };
    const size = interp.host.terminalSize();
    // WASI has no TIOCGWINSZ: every program of a terminal session learns the size from the environment.
    if (size) {
      env.COLUMNS ??= String(size.columns);
      env.LINES ??= String(size.rows);
    }
    const shebang = await this.shebang(path);
    // `#!flotilla:program NAME` names another image's program: the host runs it like a binary.
    if (shebang?.interpreter.startsWith('flotilla:') && shebang.interpreter !== 'flotilla:sh') return this.spawn(argv, path, env, io, name);
    if (shebang) {
      if (await this.isOwnShell(shebang.interpreter)) {
        // /bin/sh itself gets its argv as is; a script runs as `sh script args`.
        const shArgv = shebang.interpreter === 'flotilla:sh' ? argv : [basename(shebang.interpreter), name, ...argv.slice(1)];
        return interp.shared.runShell(shArgv, env, interp.state.cwd, io, interp.group);
      }
      const iargv = [shebang.interpreter, ...(shebang.arg ? [shebang.arg] : []), name, ...argv.slice(1)];
      return this.spawn(iargv, resolvePath(interp.state.cwd, shebang.interpreter), env, io, name);
    }
    return this.spawn(argv, path, env, io, name);
  }

  private async isOwnShell(interpreter: string): Promise<boolean> {
    if (interpreter === 'flotilla:sh') return true;
    const p = resolvePath(this.interp.state.cwd, interpreter);
    const st = this.interp.host.stat(p);
    if (!st) return SHELL_NAMES.has(basename(interpreter));
    return (await this.headerOf(p)) === SHELL_MARKER;
  }

  private async shebang(path: string): Promise<{ interpreter: string; arg?: string } | undefined> {
    const line = await this.headerOf(path);
    if (!line?.startsWith('#!')) return undefined;
    const rest = line.slice(2).trim();
    if (!rest) return undefined;
    const sp = rest.search(/[ \t]/);
    if (sp < 0) return { interpreter: rest };
    return { interpreter: rest.slice(0, sp), arg: rest.slice(sp).trim() || undefined };
  }

  /** First line of a file when it starts with "#!" (WASI binaries start with "\0asm"); reads only its head. */
  private async headerOf(path: string): Promise<string | undefined> {
    const host = this.interp.host;
    const st = host.stat(path);
    if (!st || st.kind !== 'file' || st.size < 2) return undefined;
    let bytes: Uint8Array | null;
    try {
      const stream = host.open(path, '<');
      try {
        bytes = await stream.read(256);
      } finally {
        stream.close();
      }
    } catch {
      return undefined;
    }
    if (!bytes || bytes[0] !== 0x23 || bytes[1] !== 0x21) return undefined;
    const text = decode(bytes);
    const nl = text.indexOf('\n');
    return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  }

  private async spawn(argv: string[], path: string, env: Record<string, string>, io: Io, name: string): Promise<number> {
    const interp = this.interp;
    const host = interp.host;
    const group = interp.group ?? new ProcessGroup(host, false, host.pgid);
    let proc: ShellProcess;
    try {
      proc = await group.spawn((pgid, foreground) => host.spawn({ argv, path, env, cwd: interp.state.cwd, stdio: io.stdio(), pgid, foreground }));
    } catch (e) {
      if (!(e instanceof ShellHostError)) throw e;
      switch (e.code) {
        case 'ENOENT':
          await interp.error(io, `${name}: not found`);
          return 127;
        case 'ENOEXEC':
          await interp.error(io, `${name}: cannot execute: ${e.message}`);
          return 126;
        case 'EACCES':
          await interp.error(io, `${name}: Permission denied`);
          return 126;
        case 'EAGAIN':
          // The container's process limit (pids): bash's words for a failed fork, and its status.
          await interp.error(io, 'fork: Resource temporarily unavailable');
          return 126;
        default:
          await interp.error(io, `${name}: ${e.message}`);
          return 126;
      }
    }
    interp.onStart?.();
    const foreground = group.foreground;
    const status = await proc.wait();
    if (status === 130 && foreground) {
      // The program died of Ctrl-C: the cursor is still on its line.
      await writeText(io.stderr, '\n').catch(() => {});
    }
    return status;
  }
}
