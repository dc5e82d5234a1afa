// An in-memory ShellHost for tests: a tiny file system, fake programs
// written in TypeScript (testing/programs.ts) that run concurrently and talk
// through bounded pipes, process groups, signals and a foreground log.

import { ShellHostError, type ShellHost, type ShellProcess, type ShellStat, type ShellStream, type SpawnOptions } from '../host';
import { createPipe } from './streams';
import { PROGRAMS, type Program } from './programs';

interface FsNode {
  kind: 'file' | 'directory' | 'symlink';
  data: Uint8Array;
  mode: number;
  mtimeMs: number;
  target?: string;
}

const enc = new TextEncoder();

/** A fake executable: "\0asm" followed by the program's name. */
export function fakeBinary(name: string): Uint8Array {
  return enc.encode(`\0asm${name}`);
}

export interface FakeProcessRecord {
  readonly pid: number;
  readonly pgid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  done: boolean;
  status?: number;
}

class FakeProcess implements ShellProcess {
  private killSignal: ((sig: number) => void) | undefined;
  readonly killed: Promise<number>;
  private readonly result: Promise<number>;

  constructor(readonly record: FakeProcessRecord, program: Program, host: FakeHost, stdio: { stdin: ShellStream; stdout: ShellStream; stderr: ShellStream }) {
    this.killed = new Promise((r) => { this.killSignal = r; });
    const ctx = { argv: record.argv, env: record.env, cwd: record.cwd, host, ...stdio, killed: this.killed };
    this.result = Promise.race([
      program(ctx).catch((e) => {
        if (e instanceof ShellHostError && e.code === 'EPIPE') return 141;
        throw e;
      }),
      this.killed.then((sig) => 128 + sig),
    ]).then((status) => {
      record.done = true;
      record.status = status;
      stdio.stdin.close();
      stdio.stdout.close();
      stdio.stderr.close();
      return status;
    });
  }

  get pid(): number { return this.record.pid; }
  wait(): Promise<number> { return this.result; }
  kill(signal: number): void {
    if (this.record.done) return;
    if (signal === 18 || signal === 0) return;
    this.killSignal?.(signal);
  }
}

export class FakeHost implements ShellHost {
  readonly pid = 100;
  readonly pgid = 100;
  private nextPid = 200;
  private readonly files = new Map<string, FsNode>();
  readonly processes: FakeProcessRecord[] = [];
  private readonly live = new Map<number, FakeProcess>();
  /** Every setForeground call, in order. */
  readonly foregroundLog: (number | undefined)[] = [];
  foreground: number | undefined;
  size: { columns: number; rows: number } | undefined = { columns: 80, rows: 24 };
  programs: Record<string, Program> = { ...PROGRAMS };

  constructor() {
    for (const d of ['/', '/bin', '/usr', '/usr/bin', '/etc', '/tmp', '/root', '/home', '/dev']) this.mkdir(d);
    this.writeFile('/dev/null', '');
    for (const name of Object.keys(PROGRAMS)) this.writeFile(`/bin/${name}`, fakeBinary(name), 0o755);
    this.writeFile('/bin/sh', '#!flotilla:sh\n', 0o755);
  }

  // -- test helpers --

  mkdir(path: string): void {
    this.files.set(path, { kind: 'directory', data: new Uint8Array(), mode: 0o755, mtimeMs: Date.now() });
  }

  writeFile(path: string, content: string | Uint8Array, mode = 0o644): void {
    const data = typeof content === 'string' ? enc.encode(content) : content;
    this.files.set(path, { kind: 'file', data, mode, mtimeMs: Date.now() });
  }

  symlink(path: string, target: string): void {
    this.files.set(path, { kind: 'symlink', data: new Uint8Array(), mode: 0o777, mtimeMs: Date.now(), target });
  }

  text(path: string): string {
    return new TextDecoder().decode(this.readFile(path));
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  /** Ctrl-C as the kernel would deliver it: to the foreground group, else to `shellInterrupt`. */
  ctrlC(shellInterrupt: () => void): void {
    if (this.foreground !== undefined) this.killGroup(this.foreground, 2);
    else shellInterrupt();
  }

  liveCount(): number {
    return this.live.size;
  }

  // -- ShellHost --

  async spawn(options: SpawnOptions): Promise<ShellProcess> {
    const node = this.resolve(options.path);
    if (!node) throw new ShellHostError('ENOENT', 'No such file or directory');
    if (node.kind === 'directory') throw new ShellHostError('EACCES', 'Permission denied');
    const data = node.data;
    const magic = new TextDecoder().decode(data.subarray(0, 4));
    if (magic !== '\0asm') throw new ShellHostError('ENOEXEC', 'not a WebAssembly program');
    const name = new TextDecoder().decode(data.subarray(4));
    const program = this.programs[name];
    if (!program) throw new ShellHostError('ENOEXEC', `unknown fake program ${name}`);
    const pid = this.nextPid++;
    const pgid = options.pgid ?? pid;
    const record: FakeProcessRecord = { pid, pgid, argv: [...options.argv], env: { ...options.env }, cwd: options.cwd, done: false };
    this.processes.push(record);
    // The child holds its own references; the shell closes its copies.
    const stdio = { stdin: options.stdio.stdin.dup(), stdout: options.stdio.stdout.dup(), stderr: options.stdio.stderr.dup() };
    const proc = new FakeProcess(record, program, this, stdio);
    this.live.set(pid, proc);
    void proc.wait().then(() => this.live.delete(pid), () => this.live.delete(pid));
    return proc;
  }

  pipe(): { reader: ShellStream; writer: ShellStream } {
    return createPipe(4096);
  }

  killGroup(pgid: number, signal: number): void {
    for (const p of this.live.values()) if (p.record.pgid === pgid) p.kill(signal);
  }

  kill(pid: number, signal: number): void {
    const p = this.live.get(pid);
    if (!p) throw new ShellHostError('ESRCH', 'No such process');
    p.kill(signal);
  }

  private resolve(path: string, follow = true, depth = 0): FsNode | undefined {
    const node = this.files.get(path);
    if (node?.kind === 'symlink' && follow && depth < 8) {
      const t = node.target!;
      return this.resolve(t.startsWith('/') ? t : path.slice(0, path.lastIndexOf('/') + 1) + t, true, depth + 1);
    }
    return node;
  }

  private statOf(node: FsNode | undefined): ShellStat | undefined {
    return node ? { kind: node.kind, size: node.data.length, mode: node.mode, mtimeMs: node.mtimeMs } : undefined;
  }

  stat(path: string): ShellStat | undefined {
    return this.statOf(this.resolve(path));
  }

  lstat(path: string): ShellStat | undefined {
    return this.statOf(this.resolve(path, false));
  }

  readdir(path: string): string[] {
    const node = this.resolve(path);
    if (!node) throw new ShellHostError('ENOENT', 'No such file or directory');
    if (node.kind !== 'directory') throw new ShellHostError('ENOTDIR', 'Not a directory');
    const prefix = path === '/' ? '/' : path + '/';
    const out: string[] = [];
    for (const p of this.files.keys()) {
      if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
    }
    return out.sort();
  }

  readFile(path: string): Uint8Array {
    const node = this.resolve(path);
    if (!node) throw new ShellHostError('ENOENT', 'No such file or directory');
    if (node.kind === 'directory') throw new ShellHostError('EISDIR', 'Is a directory');
    return node.data;
  }

  open(path: string, mode: '<' | '>' | '>>' | '<>'): ShellStream {
    let node = this.resolve(path);
    if (path === '/dev/null') return devNull;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!node) {
      if (mode === '<') throw new ShellHostError('ENOENT', 'No such file or directory');
      if (this.resolve(parent)?.kind !== 'directory') throw new ShellHostError('ENOENT', 'No such file or directory');
      node = { kind: 'file', data: new Uint8Array(), mode: 0o644, mtimeMs: Date.now() };
      this.files.set(path, node);
    }
    if (node.kind === 'directory') {
      if (mode === '<') throw new ShellHostError('EISDIR', 'Is a directory');
      throw new ShellHostError('EISDIR', 'Is a directory');
    }
    if (mode === '>') node.data = new Uint8Array();
    return new FileStream(node, mode === '>>' ? node.data.length : 0, mode === '>>');
  }

  terminalSize(): { columns: number; rows: number } | undefined {
    return this.size;
  }

  setForeground(pgid: number | undefined): void {
    this.foreground = pgid;
    this.foregroundLog.push(pgid);
  }
}

const devNull: ShellStream = {
  isTerminal: false,
  read: async () => null,
  write: async () => {},
  close: () => {},
  dup: () => devNull,
};

class FileStream implements ShellStream {
  readonly isTerminal = false;
  constructor(private readonly node: FsNode, private offset: number, private readonly append: boolean) {}
  async read(max: number): Promise<Uint8Array | null> {
    if (this.offset >= this.node.data.length) return null;
    const out = this.node.data.slice(this.offset, this.offset + max);
    this.offset += out.length;
    return out;
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (this.append) this.offset = this.node.data.length;
    const end = this.offset + bytes.length;
    const data = new Uint8Array(Math.max(end, this.node.data.length));
    data.set(this.node.data);
    data.set(bytes, this.offset);
    this.node.data = data;
    this.node.mtimeMs = Date.now();
    this.offset = end;
  }
  close(): void {}
  dup(): ShellStream { return this; }
}
