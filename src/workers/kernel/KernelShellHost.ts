// The ShellHost a shell process gets: the container kernel's processes and
// pipes, and the container's file system, seen from one shell's pid.

import type { ContainerFs } from '../../fs/ContainerFs';
import { FsError, type FsNode } from '../../fs/types';
import { ShellHostError, type ShellHost, type ShellProcess, type ShellStat, type ShellStream, type SpawnOptions } from '../../shell/host';
import type { ContainerKernel } from './ContainerKernel';
import { Pipe } from './Pipe';
import { FileStream, NullStream, PipeStream } from './streams';

export class KernelShellHost implements ShellHost {
  constructor(private readonly _kernel: ContainerKernel, private readonly _fs: ContainerFs, readonly pid: number) {}

  spawn(options: SpawnOptions): Promise<ShellProcess> {
    return this._kernel.spawn(this.pid, options);
  }

  pipe(): { reader: ShellStream; writer: ShellStream } {
    const pipe = Pipe.create();
    return { reader: new PipeStream(pipe, 'read'), writer: new PipeStream(pipe, 'write') };
  }

  killGroup(pgid: number, signal: number): void {
    this._kernel.killGroup(pgid, signal);
  }

  kill(pid: number, signal: number): void {
    this._kernel.kill(pid, signal);
  }

  /** The shell's own process group: a non-interactive shell's children join it, so Ctrl-C reaches them. */
  get pgid(): number | undefined {
    return this._kernel.processes.get(this.pid)?.pgid;
  }

  stat(path: string): ShellStat | undefined {
    return this._stat(path, true);
  }

  lstat(path: string): ShellStat | undefined {
    return this._stat(path, false);
  }

  readdir(path: string): string[] {
    const node = this._lookup(path, true);
    if (!node) throw new ShellHostError('ENOENT', `${path}: No such file or directory`);
    if (node.kind !== 'directory') throw new ShellHostError('ENOTDIR', `${path}: Not a directory`);
    return node.entries().map(([name]) => name);
  }

  readFile(path: string): Uint8Array {
    return this._guard(path, () => this._fs.readFile(path));
  }

  open(path: string, mode: '<' | '>' | '>>' | '<>'): ShellStream {
    if (path === '/dev/null') return new NullStream();
    return this._guard(path, () => {
      let node = this._lookup(path, true);
      if (!node) {
        if (mode === '<') throw new FsError('ENOENT', path);
        this._fs.writeFile(path, new Uint8Array(0));
        node = this._lookup(path, true)!;
      }
      if (node.kind === 'directory') throw new FsError('EISDIR', path);
      if (node.kind !== 'file') throw new FsError('EINVAL', path);
      if (mode === '>') node.truncate(0);
      return new FileStream(node, mode);
    });
  }

  terminalSize(): { columns: number; rows: number } | undefined {
    return this._kernel.options.control.terminalSize();
  }

  setForeground(pgid: number | undefined): void {
    this._kernel.setForeground(this.pid, pgid);
  }

  private _stat(path: string, follow: boolean): ShellStat | undefined {
    const node = this._lookup(path, follow);
    if (!node) return undefined;
    const stat = node.stat();
    return { kind: node.kind, size: Number(stat.size), mode: stat.mode, mtimeMs: Number(stat.mtimeNs / 1_000_000n) };
  }

  private _lookup(path: string, follow: boolean): FsNode | undefined {
    try {
      return this._fs.lookupPath(path, follow);
    } catch {
      return undefined; // ELOOP, ENOTDIR on the way: as if missing
    }
  }

  private _guard<T>(path: string, operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof FsError) throw new ShellHostError(hostCode(error.code), `${path}: ${describe(error.code)}`);
      throw error;
    }
  }
}

function hostCode(code: FsError['code']): ShellHostError['code'] {
  switch (code) {
    case 'ENOENT': case 'EEXIST': case 'ENOTDIR': case 'EISDIR': case 'EACCES': case 'ENOSPC': case 'EINVAL':
      return code;
    case 'EDQUOT':
      return 'ENOSPC';
    default:
      return 'EIO';
  }
}

/** The strerror() texts learners know. */
function describe(code: FsError['code']): string {
  const messages: Partial<Record<FsError['code'], string>> = {
    ENOENT: 'No such file or directory', EEXIST: 'File exists', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory',
    EACCES: 'Permission denied', ENOSPC: 'No space left on device', EDQUOT: 'Disk quota exceeded', EINVAL: 'Invalid argument',
    ELOOP: 'Too many levels of symbolic links', EROFS: 'Read-only file system', ENOTEMPTY: 'Directory not empty',
  };
  return messages[code] ?? code;
}
