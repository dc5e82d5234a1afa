// The Node CLI: `flotilla run IMAGE|./program.wasm [ARGS...]` and
// `flotilla images`. The terminal's stdin/stdout/stderr are wired to the
// container and its exit code becomes the CLI's.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Runtime } from '../api';
import type { Container, ExitStatus, FlotillaRuntime } from '../api';
import { parseArgs, UsageError, USAGE, type CliCommand } from './args';
import { snapshotHostDir, writeBack, type HostSnapshot } from './hostDirs';

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`flotilla: ${error.message}\nRun 'flotilla help' for usage.\n`);
    return 125;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write('flotilla 0.1.0\n');
    return 0;
  }
  const runtime = await Runtime.create({ poolSize: 1 });
  try {
    return command.kind === 'images' ? await listImages(runtime) : await run(runtime, command);
  } catch (error) {
    // Typed API errors (unknown image, invalid wasm, missing imports...) carry a clear message.
    process.stderr.write(`flotilla: ${error instanceof Error ? error.message : String(error)}\n`);
    return 125;
  } finally {
    await runtime.dispose();
  }
}

async function listImages(runtime: FlotillaRuntime): Promise<number> {
  const rows = (await runtime.images()).map((image) => [image.name, image.id.slice(7, 19), formatSize(image.size), [...image.entrypoint, ...image.cmd].join(' ')]);
  printTable([['IMAGE', 'IMAGE ID', 'SIZE', 'COMMAND'], ...rows]);
  return 0;
}

async function run(runtime: FlotillaRuntime, command: Extract<CliCommand, { kind: 'run' }>): Promise<number> {
  const image = await resolveTarget(runtime, command.target);
  const snapshots = new Map<string, HostSnapshot>();
  const files: Record<string, Uint8Array> = {};
  const directories: string[] = [];
  for (const dir of command.dirs) {
    const snapshot = await snapshotHostDir(dir.host);
    snapshots.set(dir.guest, snapshot);
    for (const entry of snapshot.entries.values()) {
      if (entry.kind === 'file') files[`${dir.guest}${entry.path}`] = entry.data!;
      else if (entry.kind === 'directory') directories.push(`${dir.guest}${entry.path}`);
    }
  }
  const stdinIsPipe = !process.stdin.isTTY;
  // Piped input always reaches the program; a terminal's only with -i (as docker run -i).
  const attachStdin = stdinIsPipe || command.interactive;
  const container = await runtime.create(image, {
    // A local program's argv[0] is its path in the container, /bin/<name>.
    args: command.target.endsWith('.wasm') || command.args.length > 0 ? command.args : undefined,
    entrypoint: command.target.endsWith('.wasm') ? [`/bin/${image}`] : undefined,
    env: command.env,
    name: command.name,
    files,
    directories,
    preopens: command.dirs.map((dir) => dir.guest),
    openStdin: attachStdin,
    tty: Boolean(process.stdout.isTTY) && !stdinIsPipe,
    ...command.quotas,
  });
  const detachOutput = container.onLog((chunk) => (chunk.stream === 'stdout' ? process.stdout : process.stderr).write(chunk.data));
  const detachInput = attachStdin ? forwardStdin(container) : () => {};
  const onSigint = (): void => { void container.kill('SIGINT').catch(() => {}); };
  process.on('SIGINT', onSigint);
  try {
    await container.start();
    const status = await container.wait();
    for (const [guest, snapshot] of snapshots) await writeBack(snapshot, await container.readTree(guest));
    reportAbnormalExit(status);
    return status.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    detachInput();
    detachOutput();
    await container.remove({ force: true }).catch(() => {});
  }
}

/** An image name, or a local .wasm file imported as a one-program image. */
async function resolveTarget(runtime: FlotillaRuntime, target: string): Promise<string> {
  if (!target.endsWith('.wasm') && !target.includes('/')) return target;
  const bytes = await readFile(target).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${target}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const name = basename(target).replace(/\.wasm$/, '').replace(/[^a-zA-Z0-9_.-]/g, '_') || 'program';
  await runtime.importProgram(name, new Uint8Array(bytes));
  return name;
}

function forwardStdin(container: Container): () => void {
  const onData = (data: Buffer): void => container.stdin.write(new Uint8Array(data));
  const onEnd = (): void => container.stdin.close();
  process.stdin.on('data', onData);
  process.stdin.on('end', onEnd);
  return () => {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
    process.stdin.unref?.();
  };
}

function reportAbnormalExit(status: ExitStatus): void {
  if (status.reason === 'trapped' || status.reason === 'oom' || status.reason === 'error') {
    const what = status.reason === 'trapped' ? 'the program trapped' : status.reason === 'oom' ? 'the program ran out of memory' : 'the program could not run';
    process.stderr.write(`flotilla: ${what}: ${status.message ?? ''}\n${status.stack ? `${status.stack}\n` : ''}`);
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column]! + 3)).join('').trimEnd()}\n`);
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes}B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)}kB` : `${(bytes / 1024 / 1024).toFixed(1)}MB`;
}
