// The contract between the shell (src/shell: parser + interpreter, written
// in TypeScript, running inside the container's worker) and the container
// kernel that hosts it (src/workers). The shell never touches workers,
// shared memory or the file system directly: everything goes through a
// ShellHost, so the interpreter can be tested with an in-memory host.

/** A byte stream end the shell can read or write: a terminal, a pipe end or an open file. */
export interface ShellStream {
  /** Resolves with the next bytes, or null at end of input. */
  read(maxBytes: number): Promise<Uint8Array | null>;
  /** Resolves when the bytes are accepted; rejects with EPIPE (ShellHostError) when no reader is left. */
  write(bytes: Uint8Array): Promise<void>;
  /** Drops this reference; the underlying pipe/file closes when the last reference is gone. */
  close(): void;
  /** Another reference to the same stream (for 2>&1, dup, and passing to several children). */
  dup(): ShellStream;
  readonly isTerminal: boolean;
}

export interface ShellStdio {
  readonly stdin: ShellStream;
  readonly stdout: ShellStream;
  readonly stderr: ShellStream;
}

export type FileKind = 'file' | 'directory' | 'symlink';

export interface ShellStat {
  readonly kind: FileKind;
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
}

/** Thrown by host operations, with the POSIX code and a message in the usual "No such file or directory" wording. */
export class ShellHostError extends Error {
  override readonly name = 'ShellHostError';
  constructor(readonly code: 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'EACCES' | 'EPIPE' | 'ENOEXEC' | 'ESRCH' | 'EINVAL' | 'EAGAIN' | 'ENOSPC' | 'EIO', message: string) {
    super(message);
  }
}

/** A process the shell started. */
export interface ShellProcess {
  readonly pid: number;
  /** Resolves with the wait status as a shell reports it: exit code, or 128 + signal. */
  wait(): Promise<number>;
  /** Sends a signal (Linux numbers: 2 SIGINT, 9 SIGKILL, 15 SIGTERM). */
  kill(signal: number): void;
}

export interface SpawnOptions {
  readonly argv: readonly string[];
  /** Absolute path of the program (the shell did the PATH lookup). */
  readonly path: string;
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory (the program's relative paths resolve against it). */
  readonly cwd: string;
  readonly stdio: ShellStdio;
  /** Process group to join (job control); undefined starts a new group led by the new process. */
  readonly pgid?: number;
  /**
   * A new group that takes the terminal at once (a foreground job): the host
   * makes it the foreground group before the program runs, so a Ctrl-C typed
   * right after Enter reaches the program, as on Linux.
   */
  readonly foreground?: boolean;
}

export interface ShellHost {
  // -- processes --
  /**
   * Starts a program. Rejects with ENOENT when the file is missing and with
   * ENOEXEC when it is not a runnable WASI program (the message says why);
   * scripts with a `#!` line are the shell's business, not the host's.
   */
  spawn(options: SpawnOptions): Promise<ShellProcess>;
  /** A pipe: bytes written to `writer` are read from `reader`; EOF when every writer reference is closed. */
  pipe(): { reader: ShellStream; writer: ShellStream };
  /** Signals every process of a group (Ctrl-C goes to the foreground group). */
  killGroup(pgid: number, signal: number): void;
  /** The shell's own pid (for $$). */
  readonly pid: number;
  /**
   * Optional (added by the shell): the process group the shell itself is in. A non-interactive
   * shell puts its children there, so Ctrl-C sent to the shell's group reaches them too. When
   * absent, every child starts its own group.
   */
  readonly pgid?: number;
  /** Optional (added by the shell): signals any process by pid, for `kill PID` of processes the shell did not start; throws ESRCH. */
  kill?(pid: number, signal: number): void;

  // -- file system (absolute paths; the shell resolves relative ones against its cwd) --
  stat(path: string): ShellStat | undefined;
  /** Like stat, but does not follow a final symlink. */
  lstat(path: string): ShellStat | undefined;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  /** Opens a file for a redirection: '<' read, '>' truncate/create, '>>' append/create, '<>' read-write. */
  open(path: string, mode: '<' | '>' | '>>' | '<>'): ShellStream;

  // -- terminal --
  /** Columns and rows of the controlling terminal, if there is one. */
  terminalSize(): { columns: number; rows: number } | undefined;
  /** Which process group reads the terminal and receives Ctrl-C; undefined gives it back to the shell. */
  setForeground(pgid: number | undefined): void;
}
