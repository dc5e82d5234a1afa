import { describe, expect, it } from 'vitest';
import { ContainerFs } from './ContainerFs';
import { ImageLayer } from './ImageLayer';
import { expectCode, readAll, sharedEntries } from './testing';
import type { FsFile, LayerEntry, LayerFileNode } from './types';

const dir = (path: string, mode = 0o755, mtimeNs = 5n): LayerEntry => ({ path, kind: 'directory', mode, mtimeNs });

describe('ImageLayer', () => {
  it('builds the tree, with implicit parents described later', () => {
    const { entries } = sharedEntries({ '/usr/bin/tool': 'T' }, []);
    const layer = ImageLayer.fromEntries([...entries, dir('/usr', 0o700, 9n)]);
    const usr = layer.get('/usr')!;
    expect(usr.kind).toBe('directory');
    expect(usr.mode).toBe(0o700);
    expect(usr.mtimeNs).toBe(9n);
    expect(layer.get('/usr/bin')!.mode).toBe(0o755);
    expect(layer.get('/usr/bin/tool')!.kind).toBe('file');
    expect(layer.root.nlink).toBe(3);
    expect(usr.nlink).toBe(3);
    expect(layer.nodeCount).toBe(4);
    expect(layer.get('/nope')).toBeUndefined();
  });

  it('accepts un-normalised paths and a root entry', () => {
    const layer = new ImageLayer([dir('/', 0o711, 3n), dir('/a/'), { path: '/a//b', kind: 'symlink', mode: 0o777, mtimeNs: 1n, target: 'x' }]);
    expect(layer.root.mode).toBe(0o711);
    expect(layer.get('/a/b')!.kind).toBe('symlink');
  });

  it('shares one node between hard links', () => {
    const { entries } = sharedEntries({ '/bin/a': 'AAA' });
    const layer = new ImageLayer([...entries, { path: '/bin/b', kind: 'file', mode: 0o644, mtimeNs: 1n, linkTo: '/bin/a' }]);
    expect(layer.get('/bin/b')).toBe(layer.get('/bin/a'));
    expect(layer.get('/bin/a')!.nlink).toBe(2);
  });

  it('rejects malformed lists', () => {
    const f: LayerEntry = { path: '/f', kind: 'file', mode: 0o644, mtimeNs: 1n };
    expectCode(() => new ImageLayer([f, f]), 'EEXIST');
    expectCode(() => new ImageLayer([f, { ...f, path: '/f/g' }]), 'ENOTDIR');
    expectCode(() => new ImageLayer([{ ...f, linkTo: '/missing' }]), 'ENOENT');
    expectCode(() => new ImageLayer([dir('/d'), { ...f, path: '/h', linkTo: '/d' }]), 'EPERM');
    expectCode(() => new ImageLayer([{ ...f, path: '/../etc' }]), 'EINVAL');
    expectCode(() => new ImageLayer([{ path: '/s', kind: 'symlink', mode: 0o777, mtimeNs: 1n }]), 'EINVAL');
  });

  it('does not copy file data: nodes keep the very views (and buffer) of the entries', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 500; i++) files[`/d${i % 20}/f${i}`] = `content ${i}`;
    const { entries, buffer } = sharedEntries(files);
    const layer = new ImageLayer(entries);
    for (const entry of entries) {
      const node = layer.get(entry.path) as LayerFileNode;
      expect(node.data).toBe(entry.data);
      expect(node.data.buffer).toBe(buffer);
    }
    // A container reads the shared bytes in place; a write changes only its copy.
    const fs = new ContainerFs({ layers: [layer] });
    const f = fs.lookupPath('/d3/f3') as FsFile;
    expect(readAll(f)).toBe('content 3');
    f.write(new TextEncoder().encode('X'), 0);
    expect(readAll(f)).toBe('Xontent 3');
    expect(new TextDecoder().decode((layer.get('/d3/f3') as LayerFileNode).data)).toBe('content 3');
  });

  it('builds 500 entries in well under a millisecond', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 450; i++) files[`/usr/lib/d${i % 30}/f${i}`] = 'x';
    const dirs: LayerEntry[] = [dir('/usr'), dir('/usr/lib')];
    for (let i = 0; i < 30; i++) dirs.push(dir(`/usr/lib/d${i}`));
    const { entries } = sharedEntries(files, dirs);
    expect(entries.length).toBeGreaterThanOrEqual(480);
    for (let i = 0; i < 20; i++) new ImageLayer(entries); // warm up the JIT
    let best = Infinity;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      new ImageLayer(entries);
      best = Math.min(best, performance.now() - t0);
    }
    expect(best).toBeLessThan(1);
  });
});
