// RemoteFs against a real ContainerFs served from another thread: every
// operation, errors, node identity, big transfers, interruption, hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../src/fs/ContainerFs';
import { FsError, type FsDirectory, type FsFile, type FsSymlink } from '../../src/fs/types';
import { FSRPC_CHUNK } from '../../src/workers/fsRpc/FsRpcChannel';
import { ServerWorker } from './harness';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FsError);
    return (error as FsError).code;
  }
  return 'no error';
}

/** Byte equality without vitest's element-by-element deep equality (slow on megabytes). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function readAll(file: FsFile): string {
  const buf = new Uint8Array(file.size());
  expect(file.read(buf, 0)).toBe(buf.length);
  return dec(buf);
}

let server: ServerWorker;
beforeAll(async () => {
  server = await ServerWorker.start();
});
afterAll(async () => {
  await server?.close();
});

describe('RemoteFs operations', () => {
  it('reads what the server side holds, and writes land there', async () => {
    const { name, fs } = await server.open({ files: { '/etc/hosts': 'localhost\n' } });
    const etc = fs.root.lookup('etc') as FsDirectory;
    expect(etc.kind).toBe('directory');
    const hosts = etc.lookup('hosts') as FsFile;
    expect(hosts.kind).toBe('file');
    expect(hosts.size()).toBe(10);
    expect(readAll(hosts)).toBe('localhost\n');
    expect(hosts.write(enc('LOCAL'), 0)).toBe(5);
    const f = fs.root.createFile('new.txt', 0o600);
    f.write(enc('hello'), 3); // zero-fills the gap
    expect(await server.ask({ type: 'readFile', name, path: '/etc/hosts' })).toBe('LOCALhost\n');
    expect(await server.ask({ type: 'readFile', name, path: '/new.txt' })).toBe('\0\0\0hello');
    expect(f.stat().mode).toBe(0o600);
    f.truncate(2);
    expect(f.size()).toBe(2);
    expect(f.read(new Uint8Array(10), 5)).toBe(0);
  });

  it('stat and setTimes carry bigint nanoseconds', async () => {
    const { fs } = await server.open({ files: { '/a': 'abc' } });
    const a = fs.root.lookup('a')!;
    const s = a.stat();
    expect(s.kind).toBe('file');
    expect(s.size).toBe(3n);
    expect(s.nlink).toBe(1n);
    expect(typeof s.dev).toBe('bigint');
    expect(typeof s.ino).toBe('bigint');
    const t = 1_234_567_890_123_456_789n;
    a.setTimes(t, undefined);
    expect(a.stat().atimeNs).toBe(t);
    expect(a.stat().mtimeNs).toBe(s.mtimeNs);
    a.setTimes(undefined, 'now');
    expect(a.stat().mtimeNs).toBeGreaterThan(s.mtimeNs);
    expect(a.stat().atimeNs).toBe(t);
    expect(fs.root.stat().kind).toBe('directory');
  });

  it('directories: create, entries, parent, link, unlink, rmdir, rename, removed', async () => {
    const { name, fs } = await server.open();
    const root = fs.root;
    const d = root.createDirectory('d', 0o700);
    const f = d.createFile('f');
    const l = d.createSymlink('l', '../elsewhere');
    expect(l.kind).toBe('symlink');
    expect(l.target).toBe('../elsewhere');
    expect((d.lookup('l') as FsSymlink).target).toBe('../elsewhere');
    expect(d.entries().map(([n, node]) => [n, node.kind])).toEqual([['f', 'file'], ['l', 'symlink']]);
    expect(d.parent()).toBe(root);
    expect(root.parent()).toBe(root);
    d.link('f2', f);
    d.link('l2', l);
    expect(d.lookup('f2')).toBe(f);
    expect(d.lookup('l2')).toBe(l);
    expect(f.stat().nlink).toBe(2n);
    d.unlink('f2');
    expect(d.lookup('f2')).toBeUndefined();
    const e = root.createDirectory('e');
    d.rename('f', e, 'g');
    expect(e.lookup('g')).toBe(f);
    expect(d.lookup('f')).toBeUndefined();
    expect(await server.ask({ type: 'list', name, path: '/e' })).toEqual(['g']);
    const sub = e.createDirectory('sub');
    expect(sub.removed).toBe(false);
    e.removeDirectory('sub');
    expect(sub.removed).toBe(true);
    expect(sub.parent()).toBe(sub); // a removed directory is its own parent
  });

  it('node identity: one proxy per node, across lookup, entries, create, links and channels', async () => {
    const { fs } = await server.open({ files: { '/x/y': '1' } });
    const x = fs.root.lookup('x') as FsDirectory;
    expect(fs.root.lookup('x')).toBe(x);
    expect(fs.root.entries()[0][1]).toBe(x);
    const y = x.lookup('y')!;
    expect(x.entries()[0][1]).toBe(y);
    const z = x.createFile('z');
    expect(x.lookup('z')).toBe(z);
    x.link('z2', z);
    expect(x.lookup('z2')).toBe(z);
    expect(x.parent()).toBe(fs.root);
  });

  it('errors keep their code and message', async () => {
    const { fs } = await server.open({ files: { '/d/f': 'x', '/e/g': 'y' } });
    const root = fs.root;
    const d = root.lookup('d') as FsDirectory;
    expect(codeOf(() => d.createFile('f'))).toBe('EEXIST');
    expect(codeOf(() => root.unlink('d'))).toBe('EISDIR');
    expect(codeOf(() => root.unlink('nope'))).toBe('ENOENT');
    expect(codeOf(() => root.removeDirectory('d'))).toBe('ENOTEMPTY');
    expect(codeOf(() => d.removeDirectory('f'))).toBe('ENOTDIR');
    expect(codeOf(() => root.rename('d', d, 'inside'))).toBe('EINVAL');
    expect(codeOf(() => root.link('dd', d as unknown as FsFile))).toBe('EPERM');
    expect(codeOf(() => root.rename('d', root, 'e'))).toBe('ENOTEMPTY');
    // The same message as the local file system gives.
    const local = new ContainerFs();
    local.writeFile('/d/f', 'x');
    let localMessage = '';
    try { (local.root.lookup('d') as FsDirectory).createFile('f'); } catch (e) { localMessage = (e as Error).message; }
    let remoteMessage = '';
    try { d.createFile('f'); } catch (e) { remoteMessage = (e as Error).message; }
    expect(remoteMessage).toBe(localMessage);
    expect((() => { try { d.createFile('f'); } catch (e) { return (e as FsError).name; } })()).toBe('FsError');
  });

  it('a node of another file system cannot be linked or renamed into (EXDEV)', async () => {
    const a = await server.open({ files: { '/f': 'x' } });
    const b = await server.open();
    const f = a.fs.root.lookup('f') as FsFile;
    expect(codeOf(() => b.fs.root.link('f', f))).toBe('EXDEV');
    expect(codeOf(() => a.fs.root.rename('f', b.fs.root, 'f'))).toBe('EXDEV');
    expect(codeOf(() => a.fs.root.link('g', new ContainerFs().root.createFile('h')))).toBe('EXDEV');
  });

  it('a non-FsError thrown on the server arrives as EIO with its message', async () => {
    const gate = new SharedArrayBuffer(4);
    new Int32Array(gate)[0] = 1; // stat does not block
    const { fs } = await server.open({ faulty: gate, files: { '/ok': '' } });
    let error: unknown;
    try { fs.root.lookup('boom'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(FsError);
    expect((error as FsError).code).toBe('EIO');
    expect((error as FsError).message).toBe('EIO: kaboom');
    expect(fs.root.lookup('ok')?.kind).toBe('file');
  });
});

describe('RemoteFs big transfers', () => {
  const pattern = (n: number, seed = 7): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (i * 31 + seed + (i >> 8)) & 0xff;
    return out;
  };

  it('writes and reads more than a chunk, at any offset', async () => {
    const { fs } = await server.open();
    const f = fs.root.createFile('big');
    const data = pattern(3 * FSRPC_CHUNK + 12_345);
    expect(f.write(data, 0)).toBe(data.length);
    expect(f.size()).toBe(data.length);
    const back = new Uint8Array(data.length + 100);
    expect(f.read(back, 0)).toBe(data.length);
    expect(sameBytes(back.subarray(0, data.length), data)).toBe(true);
    const mid = new Uint8Array(FSRPC_CHUNK + 3);
    expect(f.read(mid, FSRPC_CHUNK - 1)).toBe(mid.length);
    expect(sameBytes(mid, data.subarray(FSRPC_CHUNK - 1, 2 * FSRPC_CHUNK + 2))).toBe(true);
    const tail = new Uint8Array(2 * FSRPC_CHUNK);
    expect(f.read(tail, data.length - 10)).toBe(10);
    expect(sameBytes(tail.subarray(0, 10), data.subarray(data.length - 10))).toBe(true);
    expect(f.read(new Uint8Array(5), data.length + 1)).toBe(0);
    expect(f.read(new Uint8Array(0), 0)).toBe(0);
  });

  it('a big write refused by the quota writes nothing (it reaches the fs as one write)', async () => {
    const { fs } = await server.open({ limits: { maxBytes: 100_000 } });
    const f = fs.root.createFile('f');
    expect(codeOf(() => f.write(pattern(4 * FSRPC_CHUNK), 0))).toBe('ENOSPC');
    expect(f.size()).toBe(0);
  });

  it('entries of a directory whose listing is bigger than a header frame', async () => {
    const { fs } = await server.open();
    const d = fs.root.createDirectory('many');
    const names: string[] = [];
    for (let i = 0; i < 600; i++) names.push(`entry-${String(i).padStart(4, '0')}-${'x'.repeat(60)}`);
    for (const n of names) d.createFile(n);
    const entries = d.entries();
    expect(entries.map(([n]) => n).sort()).toEqual(names);
    expect(entries[5][1]).toBe(d.lookup(entries[5][0]));
    // Long names and targets travel too.
    const long = 't'.repeat(40_000);
    expect(d.createSymlink('long', long).target).toBe(long);
  });
});
