// Test-only: the container-worker side of the fs RPC in a Node worker_thread
// (bundled by harness.ts). The test thread is the client: it blocks in
// Atomics.wait, so the server must live in another thread.
import { parentPort } from 'node:worker_threads';
import { ContainerFs } from '../../src/fs/ContainerFs';
import type { FsDirectory, FsLimits } from '../../src/fs/types';
import { FsRpcHub } from '../../src/workers/fsRpc/FsRpcHub';
import { FsRpcServer } from '../../src/workers/fsRpc/FsRpcServer';

export type ServeMode =
  /** Served by the worker's FsRpcHub (serveForever on its doorbell). */
  | 'hub'
  /** Its own FsRpcServer.serveForever. */
  | 'forever'
  /** Its own FsRpcServer, driven by servePending() on a 1 ms timer. */
  | 'poll'
  /** Its own FsRpcServer, not served until a 'serve' message. */
  | 'manual';

export type Command =
  | {
      type: 'open'; name: string; buffer: SharedArrayBuffer; mode: ServeMode;
      /** Share the ContainerFs of this channel. */
      shareWith?: string;
      files?: Record<string, string>; limits?: FsLimits;
      /** Root wrapped so stat() blocks while control[0] is 0 and lookup('boom') throws a TypeError. */
      faulty?: SharedArrayBuffer;
    }
  | { type: 'serve'; name: string }
  /** Serves exactly `count` frames (servePending on a timer), then stops. */
  | { type: 'serveFrames'; name: string; count: number }
  | { type: 'close'; name: string; delayMs?: number }
  | { type: 'readFile'; name: string; path: string }
  | { type: 'list'; name: string; path: string }
  | { type: 'hubSize' }
  | { type: 'doorbell' };

interface Channel {
  fs: ContainerFs;
  buffer: SharedArrayBuffer;
  server?: FsRpcServer;
  closed?: boolean;
}

const hub = new FsRpcHub();
void hub.serveForever();
// Channels by a name the test chooses: each posted SharedArrayBuffer arrives as a new object.
const channels = new Map<string, Channel>();

function faultyRoot(root: FsDirectory, control: SharedArrayBuffer): FsDirectory {
  const gate = new Int32Array(control);
  return new Proxy(root, {
    get(target, prop) {
      if (prop === 'stat') {
        return () => {
          Atomics.wait(gate, 0, 0);
          return target.stat();
        };
      }
      if (prop === 'lookup') {
        return (name: string) => {
          if (name === 'boom') throw new TypeError('kaboom');
          return target.lookup(name);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function handle(cmd: Command): unknown {
  switch (cmd.type) {
    case 'open': {
      const fs = cmd.shareWith ? channels.get(cmd.shareWith)!.fs : new ContainerFs({ limits: cmd.limits });
      for (const [path, text] of Object.entries(cmd.files ?? {})) fs.writeFile(path, text);
      const root = cmd.faulty ? faultyRoot(fs.root, cmd.faulty) : fs.root;
      const channel: Channel = { fs, buffer: cmd.buffer };
      if (cmd.mode === 'hub') {
        hub.add(cmd.buffer, root);
      } else {
        const server = new FsRpcServer(cmd.buffer, root);
        channel.server = server;
        if (cmd.mode === 'forever') void server.serveForever();
        if (cmd.mode === 'poll') {
          const timer = setInterval(() => (channel.closed ? clearInterval(timer) : server.servePending()), 1);
        }
      }
      channels.set(cmd.name, channel);
      return null;
    }
    case 'serve':
      void channels.get(cmd.name)!.server!.serveForever();
      return null;
    case 'serveFrames': {
      const server = channels.get(cmd.name)!.server!;
      let left = cmd.count;
      const timer = setInterval(() => {
        if (left > 0 && server.servePending()) left--;
        if (left === 0) clearInterval(timer);
      }, 1);
      return null;
    }
    case 'close': {
      const channel = channels.get(cmd.name)!;
      const close = () => {
        channel.closed = true;
        if (channel.server) channel.server.dispose();
        else hub.remove(channel.buffer);
        channels.delete(cmd.name);
      };
      if (cmd.delayMs === undefined) close();
      else setTimeout(close, cmd.delayMs);
      return null;
    }
    case 'readFile':
      return new TextDecoder().decode(channels.get(cmd.name)!.fs.readFile(cmd.path));
    case 'list':
      return channels.get(cmd.name)!.fs.list(cmd.path);
    case 'hubSize':
      return hub.size;
    case 'doorbell':
      return hub.doorbell;
  }
}

parentPort!.on('message', ({ id, cmd }: { id: number; cmd: Command }) => {
  try {
    parentPort!.postMessage({ id, ok: true, value: handle(cmd) });
  } catch (error) {
    parentPort!.postMessage({ id, ok: false, error: String((error as Error).stack ?? error) });
  }
});
