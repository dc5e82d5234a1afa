// Copy-on-write behaviour of ContainerFs over read-only layers.
import { describe, expect, it } from 'vitest';
import { ContainerFs } from './ContainerFs';
import { ImageLayer } from './ImageLayer';
import { dec, enc, expectCode, fakeClock, readAll, sharedEntries } from './testing';
import type { FsDirectory, FsFile, LayerEntry, LayerFileNode } from './types';

const dir = (path: string): LayerEntry => ({ path, kind: 'directory', mode: 0o755, mtimeNs: 7n });

function image() {
  const { entries, buffer } = sharedEntries(
    {
      '/etc/hosts': '127.0.0.1 localhost',
      '/etc/passwd': 'root:x:0:0',
      '/bin/sh': 'SHELL',
      '/opt/app/lib/a.so': 'A',
    },
    [dir('/etc'), dir('/bin'), dir('/tmp'), dir('/opt'), dir('/opt/app'), dir('/opt/app/lib')],
  );
  entries.push({ path: '/bin/bash', kind: 'file', mode: 0o755, mtimeNs: 1n, linkTo: '/bin/sh' });
  entries.push({ path: '/bin/ls', kind: 'symlink', mode: 0o777, mtimeNs: 1n, target: 'sh' });
  return { layer: new ImageLayer(entries), buffer };
}

const names = (fs: ContainerFs, path: string) => fs.list(path).sort();

describe('overlay over one read-only layer', () => {
  it('shows the lower tree with its metadata', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    expect(names(fs, '/')).toEqual(['bin', 'etc', 'opt', 'tmp']);
    expect(dec(fs.readFile('/etc/hosts'))).toBe('127.0.0.1 localhost');
    const st = fs.lookupPath('/etc/hosts')!.stat();
    expect(st.mtimeNs).toBe(1_000_000_000n);
    expect(st.mode).toBe(0o644);
    expect(st.size).toBe(19n);
    expect(fs.root.stat().nlink).toBe(6n);
    expect(fs.lookupPath('/bin/bash')).toBe(fs.lookupPath('/bin/sh'));
    expect(fs.lookupPath('/bin/sh')!.stat().nlink).toBe(2n);
    expect(dec(fs.readFile('/bin/ls'))).toBe('SHELL');
    expect(fs.usage()).toEqual({ bytes: 0, inodes: 0 });
  });

  it('copy-up keeps node identity: an old handle sees and makes later writes', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    const held = fs.lookupPath('/etc/hosts') as FsFile;
    const ino = held.stat().ino;
    fs.writeFile('/etc/hosts', 'new');
    expect(fs.lookupPath('/etc/hosts')).toBe(held);
    expect(readAll(held)).toBe('new');
    held.write(enc('!'), 3);
    expect(dec(fs.readFile('/etc/hosts'))).toBe('new!');
    expect(held.stat().ino).toBe(ino);
    // Directories too: a handle taken before a change is the same directory after it.
    const etc = fs.lookupPath('/etc') as FsDirectory;
    etc.createFile('new');
    expect(fs.lookupPath('/etc')).toBe(etc);
    expect(names(fs, '/etc')).toEqual(['hosts', 'new', 'passwd']);
  });

  it('two containers over one layer never see each other, and the layer never changes', () => {
    const { layer, buffer } = image();
    const before = new Uint8Array(buffer).slice();
    const a = new ContainerFs({ layers: [layer] });
    const b = new ContainerFs({ layers: [layer] });
    (a.lookupPath('/etc/hosts') as FsFile).write(enc('XX'), 0);
    (a.lookupPath('/etc') as FsDirectory).unlink('passwd');
    a.writeFile('/tmp/only-a', 'a');
    a.root.rename('opt', a.root, 'opt2');
    (a.lookupPath('/bin/sh') as FsFile).truncate(1);
    expect(dec(b.readFile('/etc/hosts'))).toBe('127.0.0.1 localhost');
    expect(names(b, '/etc')).toEqual(['hosts', 'passwd']);
    expect(names(b, '/tmp')).toEqual([]);
    expect(names(b, '/')).toEqual(['bin', 'etc', 'opt', 'tmp']);
    expect(dec(b.readFile('/bin/bash'))).toBe('SHELL');
    expect(b.lookupPath('/etc/hosts')).not.toBe(a.lookupPath('/etc/hosts'));
    expect(new Uint8Array(buffer)).toEqual(before);
    // and the other way round
    b.writeFile('/etc/hosts', 'bbb');
    expect(dec(a.readFile('/etc/hosts'))).toBe('XX7.0.0.1 localhost');
    expect(b.usage().inodes).toBeGreaterThan(0);
  });

  it('whiteouts hide removed lower entries; a re-created name is a new, empty node', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    const etc = fs.lookupPath('/etc') as FsDirectory;
    const old = etc.lookup('hosts') as FsFile;
    etc.unlink('hosts');
    expect(etc.lookup('hosts')).toBeUndefined();
    expect(names(fs, '/etc')).toEqual(['passwd']);
    expectCode(() => etc.unlink('hosts'), 'ENOENT');
    // the unlinked node still works through its handle
    expect(readAll(old)).toBe('127.0.0.1 localhost');
    expect(old.stat().nlink).toBe(0n);
    const fresh = etc.createFile('hosts');
    expect(fresh).not.toBe(old);
    expect(fresh.size()).toBe(0);
    expect(names(fs, '/etc')).toEqual(['hosts', 'passwd']);
    // removing the upper replacement must not uncover the lower file
    etc.unlink('hosts');
    expect(etc.lookup('hosts')).toBeUndefined();
    expect(names(fs, '/etc')).toEqual(['passwd']);
  });

  it('a directory re-created over a removed lower directory is opaque', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    const opt = fs.lookupPath('/opt') as FsDirectory;
    expectCode(() => opt.removeDirectory('app'), 'ENOTEMPTY');
    const lib = fs.lookupPath('/opt/app/lib') as FsDirectory;
    lib.unlink('a.so');
    expectCode(() => opt.removeDirectory('app'), 'ENOTEMPTY');
    (fs.lookupPath('/opt/app') as FsDirectory).removeDirectory('lib');
    expect(lib.removed).toBe(true);
    opt.removeDirectory('app');
    expect(names(fs, '/opt')).toEqual([]);
    const app = opt.createDirectory('app');
    expect(app.entries()).toEqual([]);
    expect(app.lookup('lib')).toBeUndefined();
    expect(fs.lookupPath('/opt/app/lib/a.so')).toBeUndefined();
    expect(app.stat().nlink).toBe(2n);
  });

  it('a directory replacing a lower one by rename is opaque too', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    fs.mkdirp('/new');
    (fs.lookupPath('/opt/app/lib') as FsDirectory).unlink('a.so');
    fs.root.rename('new', fs.lookupPath('/opt/app') as FsDirectory, 'lib');
    expect(names(fs, '/opt/app/lib')).toEqual([]);
  });

  it('renaming lower files and directories moves them with their contents', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer], now: fakeClock(10_000_000_000n) });
    const app = fs.lookupPath('/opt/app') as FsDirectory;
    const ino = app.stat().ino;
    fs.root.rename('opt', fs.lookupPath('/tmp') as FsDirectory, 'moved');
    expect(fs.lookupPath('/opt')).toBeUndefined();
    expect(names(fs, '/')).toEqual(['bin', 'etc', 'tmp']);
    expect(fs.lookupPath('/tmp/moved/app')).toBe(app);
    expect(dec(fs.readFile('/tmp/moved/app/lib/a.so'))).toBe('A');
    expect(app.stat().ino).toBe(ino);
    expect((fs.lookupPath('/tmp/moved') as FsDirectory).parent()).toBe(fs.lookupPath('/tmp'));
    // a file replacing another lower file
    const etc = fs.lookupPath('/etc') as FsDirectory;
    const hosts = etc.lookup('hosts')!;
    etc.rename('hosts', etc, 'passwd');
    expect(etc.lookup('passwd')).toBe(hosts);
    expect(names(fs, '/etc')).toEqual(['passwd']);
    expect(dec(fs.readFile('/etc/passwd'))).toBe('127.0.0.1 localhost');
    expectCode(() => fs.root.rename('tmp', fs.lookupPath('/tmp/moved/app') as FsDirectory, 'x'), 'EINVAL');
    expectCode(() => fs.root.rename('etc', fs.root, 'tmp'), 'ENOTEMPTY');
    expectCode(() => fs.root.rename('bin', fs.root, 'etc'), 'ENOTEMPTY');
  });

  it('hard links of the lower layer stay one node through copy-up and unlink', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    const bin = fs.lookupPath('/bin') as FsDirectory;
    (bin.lookup('bash') as FsFile).write(enc('B'), 0);
    expect(dec(fs.readFile('/bin/sh'))).toBe('BHELL');
    bin.unlink('bash');
    expect(bin.lookup('sh')!.stat().nlink).toBe(1n);
    bin.link('bash2', bin.lookup('sh') as FsFile);
    expect(bin.lookup('sh')!.stat().nlink).toBe(2n);
    expect(names(fs, '/bin')).toEqual(['bash2', 'ls', 'sh']);
  });

  it('truncating a lower file copies only what it keeps; setTimes copies metadata only', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer], now: fakeClock() });
    const hosts = fs.lookupPath('/etc/hosts') as FsFile;
    hosts.setTimes(1n, 2n);
    expect(hosts.stat().atimeNs).toBe(1n);
    expect(hosts.stat().mtimeNs).toBe(2n);
    expect(fs.usage()).toEqual({ bytes: 0, inodes: 1 });
    expect(readAll(hosts)).toBe('127.0.0.1 localhost');
    hosts.truncate(3);
    expect(readAll(hosts)).toBe('127');
    expect(fs.usage()).toEqual({ bytes: 3, inodes: 1 });
    hosts.truncate(5);
    const buf = new Uint8Array(5);
    hosts.read(buf, 0);
    expect([...buf.subarray(3)]).toEqual([0, 0]);
    expect(dec((layer.get('/etc/hosts') as LayerFileNode).data)).toBe('127.0.0.1 localhost');
  });

  it('directory times change on entry changes; lower directory nlink counts subdirectories', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer], now: fakeClock(10n ** 12n) });
    const tmp = fs.lookupPath('/tmp') as FsDirectory;
    expect(tmp.stat().mtimeNs).toBe(7n);
    tmp.createDirectory('x');
    expect(tmp.stat().mtimeNs).toBeGreaterThan(7n);
    expect(tmp.stat().nlink).toBe(3n);
    const etc = fs.lookupPath('/etc') as FsDirectory;
    etc.unlink('passwd');
    expect(etc.stat().mtimeNs).toBeGreaterThan(7n);
    expect(etc.stat().ctimeNs).toBe(etc.stat().mtimeNs);
  });

  it('entries are stable and merged in a fixed order', () => {
    const { layer } = image();
    const fs = new ContainerFs({ layers: [layer] });
    const etc = fs.lookupPath('/etc') as FsDirectory;
    etc.createFile('z');
    etc.createFile('a');
    const first = etc.entries();
    expect(etc.entries()).toEqual(first);
    expect(first.map(([n]) => n)).toEqual(['hosts', 'passwd', 'z', 'a']);
  });
});

describe('overlay over several layers', () => {
  function stack() {
    const bottom = new ImageLayer([
      ...sharedEntries({ '/etc/a': 'bottom a', '/etc/b': 'bottom b', '/data/x': 'x' }).entries,
      dir('/lib/dir'),
    ]);
    const top = new ImageLayer([
      ...sharedEntries({ '/etc/b': 'top b', '/etc/c': 'top c', '/data': 'data is a file now' }).entries,
      dir('/lib/dir/sub'),
    ]);
    return { bottom, top };
  }

  it('merges directories, upper layers win, a file hides a directory', () => {
    const { bottom, top } = stack();
    const fs = new ContainerFs({ layers: [bottom, top] });
    expect(names(fs, '/etc')).toEqual(['a', 'b', 'c']);
    expect(dec(fs.readFile('/etc/a'))).toBe('bottom a');
    expect(dec(fs.readFile('/etc/b'))).toBe('top b');
    expect(fs.lookupPath('/data')!.kind).toBe('file');
    expect(names(fs, '/lib/dir')).toEqual(['sub']);
    expect(fs.lookupPath('/lib/dir')!.stat().nlink).toBe(3n);
    // inode numbers do not collide across layers
    const inos = ['/etc/a', '/etc/b', '/etc/c', '/data', '/lib', '/lib/dir'].map((p) => fs.lookupPath(p)!.stat().ino);
    expect(new Set(inos).size).toBe(inos.length);
    // unlinking the top copy of a name must not uncover the bottom one
    (fs.lookupPath('/etc') as FsDirectory).unlink('b');
    expect(fs.lookupPath('/etc/b')).toBeUndefined();
    expect(names(fs, '/etc')).toEqual(['a', 'c']);
  });
});
