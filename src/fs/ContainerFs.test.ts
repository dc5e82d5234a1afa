import { describe, expect, it } from 'vitest';
import { ContainerFs } from './ContainerFs';
import { dec, enc, expectCode, fakeClock, readAll } from './testing';
import type { FsDirectory, FsFile } from './types';

describe('ContainerFs without layers (writable layer)', () => {
  it('creates, writes and reads files', () => {
    const fs = new ContainerFs({ now: fakeClock() });
    const f = fs.root.createFile('a.txt');
    expect(f.write(enc('hello'), 0)).toBe(5);
    expect(readAll(f)).toBe('hello');
    expect(fs.root.lookup('a.txt')).toBe(f);
    expect(f.stat().size).toBe(5n);
    expect(f.stat().kind).toBe('file');
    expect(f.stat().mode).toBe(0o644);
  });

  it('zero-fills a write past EOF and a growing truncate', () => {
    const fs = new ContainerFs();
    const f = fs.root.createFile('f');
    f.write(enc('ab'), 0);
    f.write(enc('z'), 5);
    const buf = new Uint8Array(6);
    expect(f.read(buf, 0)).toBe(6);
    expect([...buf]).toEqual([97, 98, 0, 0, 0, 122]);
    f.truncate(1);
    f.truncate(4);
    const b2 = new Uint8Array(10);
    expect(f.read(b2, 0)).toBe(4);
    expect([...b2.subarray(0, 4)]).toEqual([97, 0, 0, 0]);
    expect(f.read(b2, 4)).toBe(0);
    expect(f.read(b2, 100)).toBe(0);
  });

  it('reads partially into a short buffer and at an offset', () => {
    const fs = new ContainerFs();
    const f = fs.root.createFile('f');
    f.write(enc('0123456789'), 0);
    const buf = new Uint8Array(3);
    expect(f.read(buf, 8)).toBe(2);
    expect(dec(buf.subarray(0, 2))).toBe('89');
    expect(f.read(buf, 2)).toBe(3);
    expect(dec(buf)).toBe('234');
  });

  it('updates mtime/ctime on writes and directory changes, and setTimes', () => {
    const fs = new ContainerFs({ now: fakeClock() });
    const d = fs.root.createDirectory('d');
    const f = d.createFile('f');
    const before = f.stat();
    f.write(enc('x'), 0);
    const after = f.stat();
    expect(after.mtimeNs).toBeGreaterThan(before.mtimeNs);
    expect(after.ctimeNs).toBe(after.mtimeNs);
    const dBefore = d.stat();
    d.createFile('g');
    expect(d.stat().mtimeNs).toBeGreaterThan(dBefore.mtimeNs);
    const dMid = d.stat();
    d.unlink('g');
    expect(d.stat().mtimeNs).toBeGreaterThan(dMid.mtimeNs);
    // zero-length writes change nothing
    const s1 = f.stat();
    f.write(new Uint8Array(0), 0);
    expect(f.stat()).toEqual(s1);
    // truncate updates times
    f.truncate(0);
    expect(f.stat().mtimeNs).toBeGreaterThan(s1.mtimeNs);

    f.setTimes(5n, undefined);
    const s2 = f.stat();
    expect(s2.atimeNs).toBe(5n);
    expect(s2.mtimeNs).toBe(f.stat().mtimeNs);
    expect(s2.ctimeNs).toBeGreaterThan(s1.ctimeNs);
    f.setTimes(undefined, 7n);
    expect(f.stat().atimeNs).toBe(5n);
    expect(f.stat().mtimeNs).toBe(7n);
    f.setTimes('now', 'now');
    expect(f.stat().atimeNs).toBe(f.stat().mtimeNs);
    expect(f.stat().mtimeNs).toBeGreaterThan(7n);
  });

  it('keeps stable inode numbers and a distinct dev per container', () => {
    const a = new ContainerFs();
    const b = new ContainerFs();
    expect(a.root.stat().dev).not.toBe(b.root.stat().dev);
    expect(new ContainerFs({ dev: 42n }).root.stat().dev).toBe(42n);
    const f = a.root.createFile('f');
    const g = a.root.createFile('g');
    const ino = f.stat().ino;
    expect(g.stat().ino).not.toBe(ino);
    expect(a.root.stat().ino).not.toBe(ino);
    a.root.rename('f', a.root.createDirectory('d'), 'f2');
    expect(f.stat().ino).toBe(ino);
  });

  it('counts nlink of files and directories', () => {
    const fs = new ContainerFs();
    const root = fs.root;
    expect(root.stat().nlink).toBe(2n);
    const d = root.createDirectory('d');
    expect(root.stat().nlink).toBe(3n);
    expect(d.stat().nlink).toBe(2n);
    d.createDirectory('e');
    expect(d.stat().nlink).toBe(3n);
    const f = root.createFile('f');
    expect(f.stat().nlink).toBe(1n);
    root.link('f2', f);
    d.link('f3', f);
    expect(f.stat().nlink).toBe(3n);
    expect(root.lookup('f2')).toBe(f);
    root.unlink('f');
    expect(f.stat().nlink).toBe(2n);
    expect(root.stat().nlink).toBe(3n); // files do not count
    d.removeDirectory('e');
    expect(d.stat().nlink).toBe(2n);
  });

  it('shares one node between hard links', () => {
    const fs = new ContainerFs();
    const f = fs.root.createFile('a');
    fs.root.link('b', f);
    (fs.root.lookup('b') as FsFile).write(enc('via b'), 0);
    expect(readAll(fs.root.lookup('a') as FsFile)).toBe('via b');
    expectCode(() => fs.root.link('a', f), 'EEXIST');
    expectCode(() => fs.root.link('x', fs.root.createDirectory('d') as never), 'EPERM');
    expectCode(() => fs.root.link('x', new ContainerFs().root.createFile('o')), 'EXDEV');
  });

  it('keeps unlinked-but-open files working', () => {
    const fs = new ContainerFs();
    const f = fs.root.createFile('tmp');
    f.write(enc('data'), 0);
    fs.root.unlink('tmp');
    expect(fs.root.lookup('tmp')).toBeUndefined();
    expect(f.stat().nlink).toBe(0n);
    f.write(enc('more'), 4);
    expect(readAll(f)).toBe('datamore');
    expectCode(() => fs.root.link('back', f), 'ENOENT');
  });

  it('unlink and removeDirectory errors', () => {
    const fs = new ContainerFs();
    const d = fs.root.createDirectory('d');
    d.createFile('f');
    expectCode(() => fs.root.unlink('nope'), 'ENOENT');
    expectCode(() => fs.root.unlink('d'), 'EISDIR');
    expectCode(() => d.removeDirectory('f'), 'ENOTDIR');
    expectCode(() => fs.root.removeDirectory('d'), 'ENOTEMPTY');
    expectCode(() => fs.root.removeDirectory('nope'), 'ENOENT');
    d.unlink('f');
    fs.root.removeDirectory('d');
    expect(d.removed).toBe(true);
    expect(d.parent()).toBe(d);
    expect(d.stat().nlink).toBe(0n);
    expectCode(() => d.createFile('x'), 'ENOENT');
    expect(d.lookup('f')).toBeUndefined();
    expect(d.entries()).toEqual([]);
  });

  it('rejects bad names and existing names', () => {
    const fs = new ContainerFs();
    for (const bad of ['', '.', '..', 'a/b', 'nul\0']) expectCode(() => fs.root.createFile(bad), 'EINVAL');
    expectCode(() => fs.root.createFile('x'.repeat(256)), 'ENAMETOOLONG');
    fs.root.createFile('x'.repeat(255));
    fs.root.createDirectory('d');
    expectCode(() => fs.root.createFile('d'), 'EEXIST');
    expectCode(() => fs.root.createDirectory('d'), 'EEXIST');
    expectCode(() => fs.root.createSymlink('d', '/x'), 'EEXIST');
  });

  it('symlinks keep their target and report its byte length', () => {
    const fs = new ContainerFs();
    const l = fs.root.createSymlink('l', 'é/target');
    expect(l.target).toBe('é/target');
    expect(l.stat().size).toBe(9n);
    expect(l.stat().kind).toBe('symlink');
    fs.root.link('l2', l);
    expect(l.stat().nlink).toBe(2n);
    expectCode(() => fs.root.createSymlink('empty', ''), 'ENOENT');
  });

  it('lists entries in a stable order', () => {
    const fs = new ContainerFs();
    for (const n of ['c', 'a', 'b']) fs.root.createFile(n);
    const first = fs.root.entries().map(([n]) => n);
    expect(first.sort()).toEqual(['a', 'b', 'c']);
    expect(fs.root.entries().map(([n]) => n)).toEqual(fs.root.entries().map(([n]) => n));
  });

  it('parent() walks up and the root is its own parent', () => {
    const fs = new ContainerFs();
    const d = fs.root.createDirectory('d');
    const e = d.createDirectory('e');
    expect(e.parent()).toBe(d);
    expect(d.parent()).toBe(fs.root);
    expect(fs.root.parent()).toBe(fs.root);
  });
});

describe('rename', () => {
  function setup() {
    const fs = new ContainerFs({ now: fakeClock() });
    const root = fs.root;
    const a = root.createDirectory('a');
    const b = root.createDirectory('b');
    return { fs, root, a, b };
  }

  it('moves a file keeping its identity and updates both directories', () => {
    const { a, b } = setup();
    const f = a.createFile('f');
    const aT = a.stat().mtimeNs;
    const bT = b.stat().mtimeNs;
    const fC = f.stat().ctimeNs;
    a.rename('f', b, 'g');
    expect(a.lookup('f')).toBeUndefined();
    expect(b.lookup('g')).toBe(f);
    expect(a.stat().mtimeNs).toBeGreaterThan(aT);
    expect(b.stat().mtimeNs).toBeGreaterThan(bT);
    expect(f.stat().ctimeNs).toBeGreaterThan(fC);
  });

  it('replaces a file, dropping the old one', () => {
    const { a } = setup();
    const f = a.createFile('f');
    const g = a.createFile('g');
    a.rename('f', a, 'g');
    expect(a.lookup('g')).toBe(f);
    expect(a.lookup('f')).toBeUndefined();
    expect(g.stat().nlink).toBe(0n);
  });

  it('replaces an empty directory, refuses a non-empty one', () => {
    const { root, a, b } = setup();
    a.createFile('x');
    expectCode(() => root.rename('b', root, 'a'), 'ENOTEMPTY');
    root.rename('a', root, 'b');
    expect(root.lookup('b')).toBe(a);
    expect(b.removed).toBe(true);
    expect(a.parent()).toBe(root);
    expect(root.stat().nlink).toBe(3n);
  });

  it('EISDIR / ENOTDIR on kind mismatch, ENOENT for a missing source', () => {
    const { root } = setup();
    root.createFile('f');
    expectCode(() => root.rename('f', root, 'a'), 'EISDIR');
    expectCode(() => root.rename('a', root, 'f'), 'ENOTDIR');
    expectCode(() => root.rename('nope', root, 'x'), 'ENOENT');
  });

  it('EINVAL when moving a directory into its own subtree', () => {
    const { root, a } = setup();
    const c = a.createDirectory('c');
    expectCode(() => root.rename('a', c, 'x'), 'EINVAL');
    expectCode(() => root.rename('a', a, 'x'), 'EINVAL');
    expect(root.lookup('a')).toBe(a);
  });

  it('renaming onto itself or onto another hard link is a no-op', () => {
    const { root, a } = setup();
    const f = a.createFile('f');
    a.link('h', f);
    const t = a.stat().mtimeNs;
    a.rename('f', a, 'f');
    a.rename('f', a, 'h');
    expect(a.lookup('f')).toBe(f);
    expect(a.lookup('h')).toBe(f);
    expect(f.stat().nlink).toBe(2n);
    expect(a.stat().mtimeNs).toBe(t);
    root.rename('a', root, 'a');
    expect(root.lookup('a')).toBe(a);
  });

  it('moving a directory updates parent() and nlink of both parents', () => {
    const { root, a, b } = setup();
    const c = a.createDirectory('c');
    expect(a.stat().nlink).toBe(3n);
    a.rename('c', b, 'c');
    expect(c.parent()).toBe(b);
    expect(a.stat().nlink).toBe(2n);
    expect(b.stat().nlink).toBe(3n);
    expect(root.stat().nlink).toBe(4n);
  });
});

describe('path helpers', () => {
  it('writeFile creates parents, readFile reads, list lists', () => {
    const fs = new ContainerFs();
    fs.writeFile('/etc/app/conf', 'x=1', { mode: 0o600 });
    expect(dec(fs.readFile('/etc/app/conf'))).toBe('x=1');
    expect(fs.list('/etc')).toEqual(['app']);
    expect(fs.lookupPath('/etc/app/conf')!.stat().mode).toBe(0o600);
    fs.writeFile('/etc/app/conf', 'y');
    expect(dec(fs.readFile('/etc/app/conf'))).toBe('y');
    const d: FsDirectory = fs.mkdirp('/a/b/c');
    expect(fs.lookupPath('/a/b/c')).toBe(d);
    expect(fs.mkdirp('a/b/c')).toBe(d);
    expectCode(() => fs.readFile('/etc'), 'EISDIR');
    expectCode(() => fs.readFile('/nope'), 'ENOENT');
    expectCode(() => fs.mkdirp('/etc/app/conf/x'), 'ENOTDIR');
    expect(fs.lookupPath('/nope/x')).toBeUndefined();
  });

  it('follows symlinks', () => {
    const fs = new ContainerFs();
    fs.writeFile('/real/f', 'data');
    fs.root.createSymlink('link', '/real');
    (fs.lookupPath('/real') as FsDirectory).createSymlink('rel', 'f');
    expect(dec(fs.readFile('/link/f'))).toBe('data');
    expect(dec(fs.readFile('/link/rel'))).toBe('data');
    expect(fs.lookupPath('/link', false)!.kind).toBe('symlink');
    fs.root.createSymlink('loop', '/loop');
    expectCode(() => fs.readFile('/loop'), 'ELOOP');
  });
});
