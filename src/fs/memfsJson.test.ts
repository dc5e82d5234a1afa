// Round trips through memfs itself (Node only: memfs does not bundle for browsers).
import { Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { ContainerFs } from './ContainerFs';
import { exportDirectoryJson, importDirectoryJson } from './memfsJson';
import { dec } from './testing';

describe('memfs DirectoryJSON interop', () => {
  it('exports a tree memfs reads back identically, and imports what memfs writes', () => {
    const fs = new ContainerFs();
    fs.writeFile('/etc/hosts', '127.0.0.1 localhost');
    fs.writeFile('/home/u/.profile', 'export A=1');
    fs.mkdirp('/tmp/empty');
    fs.root.createSymlink('link', '/etc');
    const json = exportDirectoryJson(fs);
    expect(json).toEqual({
      '/etc/hosts': '127.0.0.1 localhost',
      '/home/u/.profile': 'export A=1',
      '/tmp/empty': null,
    });
    const vol = Volume.fromJSON(json);
    expect(vol.readFileSync('/home/u/.profile', 'utf8')).toBe('export A=1');
    expect(vol.toJSON()).toEqual(json);

    const back = new ContainerFs();
    importDirectoryJson(back, vol.toJSON() as Record<string, string | null>);
    expect(dec(back.readFile('/etc/hosts'))).toBe('127.0.0.1 localhost');
    expect(back.list('/tmp/empty')).toEqual([]);
    expect(exportDirectoryJson(back)).toEqual(json);
  });

  it('takes relative keys from cwd and bytes as they are', () => {
    const fs = new ContainerFs();
    importDirectoryJson(fs, { 'a.txt': 'A', 'bin/x': new Uint8Array([0, 255]) }, '/work/');
    expect(dec(fs.readFile('/work/a.txt'))).toBe('A');
    expect([...fs.readFile('/work/bin/x')]).toEqual([0, 255]);
    expect(exportDirectoryJson(fs, '/work/bin/')).toEqual({ '/work/bin/x': '\u0000\ufffd' });
  });
});
