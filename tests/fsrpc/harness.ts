// Test helpers: start the fs RPC server worker (bundled with esbuild, since
// Node cannot run the TypeScript sources directly) and open channels to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { FsLimits } from '../../src/fs/types';
import { createFsRpcBuffer } from '../../src/workers/fsRpc/FsRpcChannel';
import { RemoteFs, type RemoteFsOptions } from '../../src/workers/fsRpc/RemoteFs';
import type { Command, ServeMode } from './server-worker';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface OpenOptions extends Omit<RemoteFsOptions, 'doorbell'> {
  mode?: ServeMode;
  files?: Record<string, string>;
  limits?: FsLimits;
  shareWith?: string;
  faulty?: SharedArrayBuffer;
}

export interface Channel {
  readonly name: string;
  readonly buffer: SharedArrayBuffer;
  readonly fs: RemoteFs;
}

export class ServerWorker {
  private nextId = 1;
  private nextChannel = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private doorbell: SharedArrayBuffer | undefined;

  private constructor(private readonly worker: Worker, private readonly dir: string) {
    worker.on('message', ({ id, ok, value, error }: { id: number; ok: boolean; value: unknown; error?: string }) => {
      const p = this.pending.get(id)!;
      this.pending.delete(id);
      if (ok) p.resolve(value);
      else p.reject(new Error(error));
    });
  }

  static async start(): Promise<ServerWorker> {
    const dir = mkdtempSync(join(tmpdir(), 'fsrpc-'));
    const outfile = join(dir, 'server-worker.mjs');
    await build({
      entryPoints: [join(HERE, 'server-worker.ts')], bundle: true, format: 'esm', platform: 'node',
      target: 'node20', outfile, logLevel: 'error',
    });
    return new ServerWorker(new Worker(outfile), dir);
  }

  ask<T = unknown>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, cmd });
    });
  }

  async open(options: OpenOptions = {}): Promise<Channel> {
    const { mode = 'hub', files, limits, shareWith, faulty, ...clientOptions } = options;
    const name = `c${this.nextChannel++}`;
    const buffer = createFsRpcBuffer();
    await this.ask({ type: 'open', name, buffer, mode, files, limits, shareWith, faulty });
    if (mode === 'hub') this.doorbell ??= await this.ask<SharedArrayBuffer>({ type: 'doorbell' });
    const fs = new RemoteFs(buffer, { ...clientOptions, doorbell: mode === 'hub' ? this.doorbell : undefined });
    return { name, buffer, fs };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
