// The public library API of Flotilla, identical in the browser and in Node.
// `Runtime.create()` (src/api/Runtime.ts) returns a `FlotillaRuntime`; the
// playground exposes the same object as `window.flotilla`.

export type ContainerState = 'created' | 'running' | 'exited' | 'dead';

/** Why a container's process ended. */
export type ExitReason =
  | 'exited'    // the program returned from main or called proc_exit
  | 'killed'    // stopped by a signal (stop, kill, Ctrl-C)
  | 'trapped'   // a WebAssembly trap (unreachable, out-of-bounds access, ...)
  | 'oom'       // out of memory: linear memory at its limit or the engine refused to allocate
  | 'error'     // the container could not run (bad entrypoint, missing imports, worker lost)
  | 'lost';     // its host (a frame of a fleet) crashed, stopped answering or was removed

export interface ExitStatus {
  /** 0..255; 128+N for signal N (137 SIGKILL, 143 SIGTERM, 130 SIGINT); 1+ for traps and errors. */
  readonly exitCode: number;
  readonly reason: ExitReason;
  /** Signal name when reason is 'killed' (e.g. 'SIGKILL'). */
  readonly signal?: string;
  /** Human-readable detail: the trap message, the error, the OOM cause. */
  readonly message?: string;
  /** The wasm stack of a trap, when the engine gave one. */
  readonly stack?: string;
  /** Docker's OOMKilled flag. */
  readonly oomKilled: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export type Stream = 'stdout' | 'stderr';

export interface LogChunk {
  readonly stream: Stream;
  readonly data: Uint8Array;
  /** ms since epoch when the supervisor received it */
  readonly time: number;
}

/** How to run a container; its resource limits are ResourceLimits' (defaults from RuntimeOptions.limits, else built in). */
export interface ContainerOptions extends ResourceLimits {
  /** Replaces the image's Cmd (Docker semantics: appended to the Entrypoint). */
  readonly args?: readonly string[];
  /** Replaces the image's Entrypoint (path inside the container). */
  readonly entrypoint?: readonly string[];
  /** Extra environment, merged over the image's Env: { KEY: 'value' } or ['KEY=value']. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  readonly name?: string;
  readonly workdir?: string;
  /** Initial stdin contents; the stream is closed after them unless `openStdin` is true. */
  readonly stdin?: string | Uint8Array;
  /** Keep stdin open for `container.stdin.write()` (docker run -i). */
  readonly openStdin?: boolean;
  /** Present stdin/stdout as a terminal to the program. */
  readonly tty?: boolean;
  /** Files to place in the container before it starts: path -> contents. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Directories to create before it starts (parents included), e.g. empty ones of a copied tree. */
  readonly directories?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra directories granted to the program as WASI preopens (created when missing), after '/'. */
  readonly preopens?: readonly string[];
  /**
   * Networks to join (docker run --network, --network-alias): names, or
   * { network, aliases }. Default: the predefined `bridge` (addresses, no
   * name resolution, as Docker's default bridge); `none` for no network.
   */
  readonly networks?: readonly (string | NetworkAttachment)[];
  /**
   * Ports the runtime listens on for the program before it starts (as
   * wasmtime's --tcplisten): their sockets are the descriptors right after
   * the preopened directories, and LISTEN_FDS tells how many.
   */
  readonly listen?: readonly number[];
}

export interface NetworkAttachment {
  readonly network: string;
  /** More names this container answers to on that network. */
  readonly aliases?: readonly string[];
  /** A fixed address in the network's subnet (docker run --ip); default: the next free one. */
  readonly ipAddress?: string;
}

export interface NetworkOptions {
  /** IPv4 subnet in CIDR form with a /16 or /24 mask, e.g. '10.10.0.0/24'; default: the next free 172.N.0.0/16. */
  readonly subnet?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface NetworkEndpointInfo {
  readonly containerId: string;
  readonly name: string;
  readonly ipAddress: string;
  readonly aliases: readonly string[];
}

export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  /** 'bridge' for networks containers talk over; 'null' for `none`. */
  readonly driver: 'bridge' | 'null';
  readonly subnet: string;
  readonly gateway: string;
  /** Whether names resolve on it (user-defined networks; not the default bridge). */
  readonly dns: boolean;
  readonly createdAt: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly NetworkEndpointInfo[];
  /** Connections made over it so far, and the bytes they carried. */
  readonly connections: number;
  readonly bytes: number;
}

/** Network traffic of one container. */
export interface ContainerNetStats {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Connections it opened or accepted so far, and how many are open now. */
  readonly connections: number;
  readonly openConnections: number;
}

/** Docker's `network` commands. */
export interface NetworkApi {
  create(name: string, options?: NetworkOptions): NetworkInfo;
  list(): NetworkInfo[];
  inspect(nameOrId: string): NetworkInfo;
  /** Throws NetworkInUseError while containers are attached, and for the predefined networks. */
  remove(nameOrId: string): void;
  /** Attaches a container (created or running) to a network. */
  connect(network: string, container: string, options?: { aliases?: readonly string[] }): void;
  disconnect(network: string, container: string): void;
}

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: ContainerState;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly exit?: ExitStatus;
  readonly restartCount: number;
  readonly command: readonly string[];
  /** Network name → this container's address and aliases on it. */
  readonly networks: Readonly<Record<string, { readonly ipAddress: string; readonly aliases: readonly string[] }>>;
}

export interface ImageInfo {
  readonly name: string;
  /** 'sha256:...' over the image's config. */
  readonly id: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: readonly string[];
  readonly workdir: string;
  readonly exposedPorts: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly size: number;
  readonly files: readonly string[];
}

/** A typed subscription: call the returned function to unsubscribe. */
export type Subscribe<T> = (listener: (event: T) => void) => () => void;

export type RuntimeEvent =
  | { readonly type: 'created'; readonly id: string; readonly name: string }
  | { readonly type: 'started'; readonly id: string }
  | { readonly type: 'exited'; readonly id: string; readonly status: ExitStatus }
  | { readonly type: 'removed'; readonly id: string }
  | { readonly type: 'log'; readonly id: string; readonly stream: Stream; readonly line: string };

/** Writable stdin of a container (open with `openStdin` or `tty`). */
export interface ContainerStdin {
  write(data: string | Uint8Array): void;
  /** End of input: a blocked read returns 0 (EOF). */
  close(): void;
}

/**
 * The terminal device of a container created with `tty: true`: the far end
 * of a terminal emulator. Bytes given to `input` have already been through
 * the line discipline (src/terminal): programs read cooked lines.
 */
export interface TtyDevice {
  /** Bytes for the process that reads the terminal (a whole line in canonical mode). */
  input(bytes: Uint8Array | string): void;
  /** End of input for the current reader (Ctrl-D on an empty line); later reads block again. */
  eof(): void;
  /** Sends a signal to the foreground process group (Ctrl-C: 2 SIGINT, Ctrl-\\: 3 SIGQUIT). */
  signal(signal: number): void;
  /** The terminal's size, visible to programs (tty_get_size, COLUMNS/LINES of new processes). */
  resize(columns: number, rows: number): void;
  /** Everything programs write to the terminal, in order. */
  readonly onOutput: Subscribe<Uint8Array>;
  /** Completions for the word that ends at `cursor` in `line`: builtins, commands in PATH, paths. */
  complete(line: string, cursor: number): Promise<string[]>;
}

export interface ExecOptions {
  /** Give the program a terminal (docker exec -t): `session.tty`. */
  readonly tty?: boolean;
  /** Keep stdin open for `session.stdin.write()` (docker exec -i); implied by `tty`. */
  readonly openStdin?: boolean;
  readonly stdin?: string | Uint8Array;
  /** Environment on top of the container's. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  readonly workdir?: string;
}

/** A program started in a running container (docker exec), with a terminal or stdin of its own. */
export interface ExecSession {
  /** The session's number within its container. */
  readonly id: number;
  readonly tty: TtyDevice | undefined;
  readonly stdin: ContainerStdin;
  /** Output of the session's processes (not part of the container's log, as in Docker). */
  readonly onOutput: Subscribe<{ readonly stream: Stream; readonly data: Uint8Array }>;
  /** Captured output so far, decoded as UTF-8. */
  output(): string;
  /** Resolves with the status when the program ends (exit code, or 128 + signal). */
  wait(): Promise<number>;
  kill(signal?: string | number): void;
}

/** A handle to one container. */
export interface Container {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  readonly stdin: ContainerStdin;
  /** The terminal device, when the container was created with `tty: true`. */
  readonly tty: TtyDevice | undefined;
  info(): ContainerInfo;
  start(): Promise<void>;
  /** Resolves when the current (or next) run ends. */
  wait(): Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 10 000). */
  stop(options?: { timeoutMs?: number }): Promise<ExitStatus>;
  /** Sends a signal (default SIGKILL); resolves once delivered, and for SIGKILL once the container has stopped. */
  kill(signal?: string | number): Promise<void>;
  restart(options?: { timeoutMs?: number }): Promise<void>;
  /** Removes the container; `force` kills it first when running. */
  remove(options?: { force?: boolean }): Promise<void>;
  /** Captured output so far (bounded buffer). */
  logs(options?: { stdout?: boolean; stderr?: boolean }): LogChunk[];
  /** Captured output decoded as UTF-8 text. */
  output(options?: { stdout?: boolean; stderr?: boolean }): string;
  /** Bytes of output dropped from the front of the bounded log so far (see `logCapacity`). */
  readonly droppedLogBytes: number;
  /** Resource usage and limits now (docker stats); cheap enough to call many times a second. */
  stats(): ContainerStats;
  readonly onLog: Subscribe<LogChunk>;
  readonly onExit: Subscribe<ExitStatus>;
  /** Files inside the container (docker cp). */
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  listDir(path: string): Promise<string[]>;
  /**
   * Runs a program in the running container (docker exec), e.g. a second
   * shell with its own terminal. The container must run under its kernel
   * (the shell, or a program that starts processes).
   */
  exec(command: readonly string[], options?: ExecOptions): Promise<ExecSession>;
  /** Every file, directory and symlink under `path`, paths relative to it (docker cp out). */
  readTree(path: string): Promise<TreeEntry[]>;
}

export interface TreeEntry {
  /** Relative to the exported directory, starting with '/'. */
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly data?: Uint8Array;
  readonly target?: string;
}

export interface FlotillaRuntime {
  images(): Promise<ImageInfo[]>;
  /** Makes an image named `name` of one WASI program (like `docker import`). */
  importProgram(name: string, wasm: Uint8Array): Promise<ImageInfo>;
  create(image: string, options?: ContainerOptions): Promise<Container>;
  /** create + start. */
  run(image: string, options?: ContainerOptions): Promise<Container>;
  /** By id, id prefix or name; throws ContainerNotFoundError. */
  get(idOrName: string): Container;
  list(options?: { all?: boolean }): ContainerInfo[];
  /** stats() of every running container (all: also created and exited ones). */
  stats(options?: { all?: boolean }): ContainerStats[];
  readonly networks: NetworkApi;
  /**
   * Sends an HTTP request to a port a container listens on and returns the
   * real Response (the page plays the client; the request goes over the
   * container network, not the Internet). `input` is a path or URL; its
   * host part is ignored.
   */
  fetch(container: string, port: number, input?: string | Request, init?: RequestInit): Promise<Response>;
  readonly onEvent: Subscribe<RuntimeEvent>;
  /** Stops every container and releases workers. */
  dispose(): Promise<void>;
}

/** Quotas of a container's writable layer: what it writes (the image's layers are free). */
export interface DiskLimits {
  /** Bytes of file data. Default 1 GiB. */
  readonly bytes?: number;
  /** Files, directories and symlinks created (or copied up). Default 65 536. */
  readonly inodes?: number;
  /** The error past a limit: 'nospc' (ENOSPC, "No space left on device"; default) or 'dquot' (EDQUOT, "Disk quota exceeded"). */
  readonly error?: 'nospc' | 'dquot';
}

/**
 * The resource limits of a container (ContainerOptions' `disk`, `pids`,
 * `fds`, `logCapacity`). A bad value is an InvalidOptionsError and nothing
 * is created. Past a limit the guest gets the errno Linux gives and the
 * container keeps running: ENOSPC/EDQUOT for writes, EAGAIN for a new
 * process (the shell says "fork: Resource temporarily unavailable"),
 * EMFILE for an open; the log drops its oldest bytes.
 */
export interface ResourceLimits {
  /** Quotas of the writable layer (docker run --storage-opt size=). */
  readonly disk?: DiskLimits;
  /** Processes at once (docker run --pids-limit): starting one more fails with EAGAIN. Default 64. */
  readonly pids?: number;
  /** Open descriptors per process (docker run --ulimit nofile=): opening past it fails with EMFILE. Default 1024. */
  readonly fds?: number;
  /** Bytes of output kept in the container's log ring; older output is dropped (and counted). Default 1 MiB. */
  readonly logCapacity?: number;
  /**
   * Memory limit of each program in the container (docker run --memory):
   * bytes, or a string with Docker's units ('64m', '1g'); whole 64 KiB pages,
   * at most 4 GiB. Default 256 MiB. The program's memory maximum is
   * rewritten to it: past it malloc fails inside the program, and one that
   * then traps or exits with an error ends as reason 'oom', OOMKilled, 137.
   */
  readonly memory?: number | string;
  /**
   * CPU time the run may use (ms), like `ulimit -t`: when spent, the
   * container is killed at once: reason 'killed', signal 'SIGXCPU' (152),
   * message "CPU time limit of N ms exceeded". Default: none.
   */
  readonly cpuTimeMs?: number;
  /**
   * Share of one CPU (docker run --cpus), e.g. 0.5: the container's busy
   * programs sleep in proportion, so it cannot starve the others or the
   * page. Default: unlimited.
   */
  readonly cpus?: number;
}

/**
 * What a container uses now and its limits, as `docker stats` shows them.
 * Read from shared memory, without a round trip to the container's worker.
 */
export interface ContainerStats {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  /** ms since the epoch when sampled: CPU % = Δcpu.timeMs / Δtime × 100. */
  readonly time: number;
  /** CPU time of the current run's processes, ended ones included (ms): time not spent blocked. */
  /**
   * `throttledMs`: time its programs slept to keep to the `cpus` share;
   * `limitMs`: the CPU-time limit (cpuTimeMs), `cpus`: the share, when set.
   */
  readonly cpu: { readonly timeMs: number; readonly throttledMs?: number; readonly limitMs?: number; readonly cpus?: number };
  /** Linear memory of the running processes (bytes), its peak in this run, and the limit. */
  readonly memory: { readonly bytes: number; readonly peakBytes: number; readonly limitBytes: number };
  /** What the writable layer holds and its quotas. */
  readonly disk: { readonly bytes: number; readonly inodes: number; readonly limitBytes: number; readonly limitInodes: number };
  /** Processes running now and the limit. */
  readonly pids: { readonly current: number; readonly limit: number };
  /** Descriptors open in all processes now, and the limit per process. */
  readonly fds: { readonly open: number; readonly limitPerProcess: number };
  /** The log ring: bytes kept, bytes dropped so far, capacity. */
  readonly logs: { readonly bytes: number; readonly droppedBytes: number; readonly capacity: number };
  readonly network: ContainerNetStats;
}
