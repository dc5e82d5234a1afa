// Interruption while waiting for the server, the hub's channels, and the
// other ways of serving a channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsError, type FsFile } from '../../src/fs/types';
import { FSRPC_CHUNK } from '../../src/workers/fsRpc/FsRpcChannel';
import { ServerWorker } from './harness';

class Killed extends Error {}

/** A checkInterrupt that throws Killed once `arm(n)` was called and n more checks passed. */
function killSwitch(onKill?: () => void) {
  let budget = Infinity;
  let checks = 0;
  return {
    checkInterrupt: () => {
      checks++;
      if (--budget < 0) {
        budget = Infinity;
        onKill?.();
        throw new Killed('killed while waiting');
      }
    },
    arm: (n: number) => { budget = n; },
    get checks() { return checks; },
  };
}

let server: ServerWorker;
beforeAll(async () => {
  server = await ServerWorker.start();
});
afterAll(async () => {
  await server?.close();
});

describe('RemoteFs interruption', () => {
  it('a request nobody serves is withdrawn when checkInterrupt throws; the next one works once served', async () => {
    const kill = killSwitch();
    const { name, fs } = await server.open({ mode: 'manual', files: { '/a': 'A' }, waitSliceMs: 5, ...kill });
    kill.arm(3);
    const started = Date.now();
    expect(() => fs.root.lookup('a')).toThrow(Killed);
    expect(kill.checks).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    kill.arm(1);
    expect(() => fs.root.lookup('a')).toThrow(Killed);
    await server.ask({ type: 'serve', name });
    const a = fs.root.lookup('a') as FsFile;
    expect(a.kind).toBe('file');
    expect(a.size()).toBe(1);
  });

  it('an abandoned request the server already took: its late answer does not confuse the next request', async () => {
    const gate = new SharedArrayBuffer(4);
    const g = new Int32Array(gate);
    const kill = killSwitch(() => { Atomics.store(g, 0, 1); Atomics.notify(g, 0); });
    const { fs } = await server.open({ faulty: gate, files: { '/ok': 'fine' }, waitSliceMs: 5, ...kill });
    kill.arm(2);
    // stat() blocks in the server until the kill opens the gate: the answer comes after we gave up.
    expect(() => fs.root.stat()).toThrow(Killed);
    const ok = fs.root.lookup('ok') as FsFile;
    expect(ok.kind).toBe('file');
    expect(ok.size()).toBe(4);
    expect(fs.root.stat().kind).toBe('directory');
  });

  it('killed while the abandoned answer is still pending: still consistent', async () => {
    const gate = new SharedArrayBuffer(4);
    const g = new Int32Array(gate);
    const kill = killSwitch();
    const { fs } = await server.open({ faulty: gate, files: { '/ok': 'fine' }, waitSliceMs: 5, ...kill });
    kill.arm(1);
    expect(() => fs.root.stat()).toThrow(Killed); // server blocked in stat
    kill.arm(1);
    expect(() => fs.root.lookup('ok')).toThrow(Killed); // still waiting out the stale answer
    Atomics.store(g, 0, 1);
    Atomics.notify(g, 0);
    expect(fs.root.lookup('ok')?.kind).toBe('file');
  });

  it('after an interrupted request, multi-frame writes still assemble correctly', async () => {
    const kill = killSwitch();
    const { name, fs } = await server.open({ mode: 'manual', waitSliceMs: 5, ...kill });
    kill.arm(0);
    expect(() => fs.root.createFile('x')).toThrow(Killed);
    await server.ask({ type: 'serve', name });
    const f = fs.root.createFile('f');
    const data = new Uint8Array(2 * FSRPC_CHUNK + 5).fill(9);
    expect(f.write(data, 0)).toBe(data.length);
    expect(f.size()).toBe(data.length);
  });
});

describe('interrupted multi-frame requests', () => {
  it('a write interrupted after its first frame leaves nothing behind; the next request is whole', async () => {
    const kill = killSwitch();
    const { name, fs } = await server.open({ mode: 'manual', files: { '/f': 'old' }, waitSliceMs: 5, ...kill });
    await server.ask({ type: 'serveFrames', name, count: 2 }); // the lookup, then frame 1 of the write
    const f = fs.root.lookup('f') as FsFile;
    kill.arm(3);
    expect(() => f.write(new Uint8Array(3 * FSRPC_CHUNK).fill(1), 0)).toThrow(Killed);
    await server.ask({ type: 'serve', name });
    expect(f.size()).toBe(3); // the interrupted write never reached the file
    const data = new Uint8Array(2 * FSRPC_CHUNK + 1).fill(2);
    expect(f.write(data, 0)).toBe(data.length);
    const back = new Uint8Array(data.length);
    expect(f.read(back, 0)).toBe(data.length);
    expect(back.every((b) => b === 2)).toBe(true);
  });

  it('a read interrupted between response frames: the next read gets its own bytes', async () => {
    const kill = killSwitch();
    const big = 'a'.repeat(3 * FSRPC_CHUNK);
    const { name, fs } = await server.open({ mode: 'manual', files: { '/big': big, '/small': 'bbb' }, waitSliceMs: 5, ...kill });
    await server.ask({ type: 'serveFrames', name, count: 4 }); // two lookups, the read, its first pull
    const bigFile = fs.root.lookup('big') as FsFile;
    const small = fs.root.lookup('small') as FsFile;
    kill.arm(3);
    expect(() => bigFile.read(new Uint8Array(big.length), 0)).toThrow(Killed);
    await server.ask({ type: 'serve', name });
    const buf = new Uint8Array(10);
    expect(small.read(buf, 0)).toBe(3);
    expect(new TextDecoder().decode(buf.subarray(0, 3))).toBe('bbb');
  });
});

describe('closed channels', () => {
  it('a request to a closed channel fails with EIO at once', async () => {
    const { name, fs } = await server.open({ files: { '/a': '' } });
    const a = fs.root.lookup('a')!;
    await server.ask({ type: 'close', name });
    expect(codeOf(() => a.stat())).toBe('EIO');
    expect(codeOf(() => fs.root.lookup('a'))).toBe('EIO');
  });

  it('a request waiting when its channel is closed fails with EIO instead of hanging', async () => {
    // Never served; the server disposes 30 ms into the wait.
    const { name, fs } = await server.open({ mode: 'manual' });
    await server.ask({ type: 'close', name, delayMs: 30 });
    const started = Date.now();
    expect(codeOf(() => fs.root.lookup('x'))).toBe('EIO');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(codeOf(() => fs.root.lookup('x'))).toBe('EIO');
  });
});

describe('serving channels', () => {
  it('a hub serves several channels onto one fs; channels come and go at run time', async () => {
    const size0 = await server.ask<number>({ type: 'hubSize' });
    const a = await server.open({ files: { '/shared': 'v1' } });
    const b = await server.open({ shareWith: a.name });
    const c = await server.open({ shareWith: a.name });
    expect(await server.ask({ type: 'hubSize' })).toBe(size0 + 3);
    const fa = a.fs.root.lookup('shared') as FsFile;
    const fb = b.fs.root.lookup('shared') as FsFile;
    expect(fa === fb).toBe(false); // separate proxies per channel…
    expect(fa.stat().ino).toBe(fb.stat().ino); // …of the same node
    fa.write(new TextEncoder().encode('V2'), 0);
    const buf = new Uint8Array(2);
    fb.read(buf, 0);
    expect(new TextDecoder().decode(buf)).toBe('V2');
    b.fs.root.createFile('from-b');
    await server.ask({ type: 'close', name: b.name });
    expect(await server.ask({ type: 'hubSize' })).toBe(size0 + 2);
    expect(c.fs.root.lookup('from-b')?.kind).toBe('file');
    const d = await server.open({ shareWith: a.name });
    expect(d.fs.root.entries().map(([n]) => n).sort()).toEqual(['from-b', 'shared']);
    for (let i = 0; i < 50; i++) {
      (i % 2 ? a : c).fs.root.createFile(`n${i}`);
      expect(d.fs.root.lookup(`n${i}`)).toBeDefined();
    }
  });

  it('FsRpcServer.serveForever and servePending serve a channel without a hub', async () => {
    for (const mode of ['forever', 'poll'] as const) {
      const { fs } = await server.open({ mode, files: { '/f': 'data' } });
      const f = fs.root.lookup('f') as FsFile;
      expect(f.size()).toBe(4);
      expect(codeOf(() => fs.root.lookup('f') && fs.root.createFile('f'))).toBe('EEXIST');
    }
  });
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof FsError ? error.code : String(error);
  }
  return 'no error';
}
