// FsLimits: quotas of the writable layer, and the largest file size.
import { describe, expect, it } from 'vitest';
import { ContainerFs } from './ContainerFs';
import { ImageLayer } from './ImageLayer';
import { dec, enc, expectCode, readAll, sharedEntries } from './testing';
import { DEFAULT_MAX_FILE_SIZE, type FsDirectory, type FsFile } from './types';

function lower() {
  return new ImageLayer(sharedEntries({ '/big': 'x'.repeat(100), '/d/a': 'a', '/d/b': 'b' }).entries);
}

describe('maxBytes', () => {
  it('refuses a write past the limit and leaves the file unchanged', () => {
    const fs = new ContainerFs({ limits: { maxBytes: 10 } });
    const f = fs.root.createFile('f');
    f.write(enc('12345678'), 0);
    const before = f.stat();
    expectCode(() => f.write(enc('abc'), 8), 'ENOSPC');
    expect(readAll(f)).toBe('12345678');
    expect(f.stat()).toEqual(before);
    expect(fs.usage().bytes).toBe(8);
    // overwriting inside the file needs no space; reaching the limit exactly is fine
    f.write(enc('ab'), 8);
    expect(fs.usage().bytes).toBe(10);
    f.write(enc('XY'), 0);
    expectCode(() => f.write(enc('z'), 10), 'ENOSPC');
    expectCode(() => fs.root.createFile('g').truncate(1), 'ENOSPC');
  });

  it('raises EDQUOT when asked to', () => {
    const fs = new ContainerFs({ limits: { maxBytes: 4, maxInodes: 1, limitError: 'EDQUOT' } });
    const f = fs.root.createFile('f');
    expectCode(() => f.truncate(5), 'EDQUOT');
    expect(f.size()).toBe(0);
    expectCode(() => fs.root.createFile('g'), 'EDQUOT');
  });

  it('frees space on shrink and on unlink of the last name', () => {
    const fs = new ContainerFs({ limits: { maxBytes: 10 } });
    const f = fs.root.createFile('f');
    f.truncate(10);
    f.truncate(4);
    expect(fs.usage().bytes).toBe(4);
    fs.root.link('g', f);
    fs.root.unlink('f');
    expect(fs.usage()).toEqual({ bytes: 4, inodes: 1 });
    fs.root.unlink('g');
    expect(fs.usage()).toEqual({ bytes: 0, inodes: 0 });
    fs.root.createFile('h').truncate(10);
  });

  it('an unlinked file is not counted but cannot grow past the space left', () => {
    const fs = new ContainerFs({ limits: { maxBytes: 10 } });
    const f = fs.root.createFile('f');
    f.write(enc('abc'), 0);
    fs.root.unlink('f');
    fs.writeFile('/other', '123456');
    f.write(enc('d'), 3);
    expectCode(() => f.truncate(5), 'ENOSPC');
    expect(readAll(f)).toBe('abcd');
    expect(fs.usage().bytes).toBe(6);
  });

  it('counts lower file data only once it is copied up', () => {
    const fs = new ContainerFs({ layers: [lower()], limits: { maxBytes: 50 } });
    const big = fs.lookupPath('/big') as FsFile;
    expect(readAll(big)).toBe('x'.repeat(100));
    expect(fs.usage().bytes).toBe(0);
    expectCode(() => big.write(enc('y'), 0), 'ENOSPC');
    expect(readAll(big)).toBe('x'.repeat(100));
    expect(fs.usage()).toEqual({ bytes: 0, inodes: 0 });
    big.truncate(50);
    expect(fs.usage()).toEqual({ bytes: 50, inodes: 1 });
    // deleting a lower file always works and frees its copy
    fs.root.unlink('big');
    expect(fs.usage()).toEqual({ bytes: 0, inodes: 0 });
  });

  it('writeFile keeps the old contents when the new ones do not fit', () => {
    const fs = new ContainerFs({ limits: { maxBytes: 8 } });
    fs.writeFile('/f', 'old');
    expectCode(() => fs.writeFile('/f', 'much too long'), 'ENOSPC');
    expect(dec(fs.readFile('/f'))).toBe('old');
    fs.writeFile('/f', '12345678');
    fs.writeFile('/f', 'ab');
    expect(dec(fs.readFile('/f'))).toBe('ab');
  });
});

describe('maxInodes', () => {
  it('counts created nodes and copied-up lower nodes', () => {
    const fs = new ContainerFs({ layers: [lower()], limits: { maxInodes: 3 } });
    fs.root.createFile('f');
    fs.root.createSymlink('s', 'f');
    expect(fs.usage().inodes).toBe(2);
    const d = fs.lookupPath('/d') as FsDirectory;
    // needs two: the new directory and the copy-up of /d
    expectCode(() => d.createDirectory('e'), 'ENOSPC');
    expect(d.lookup('e')).toBeUndefined();
    expect(fs.usage().inodes).toBe(2);
    fs.root.createDirectory('e');
    expectCode(() => fs.root.createFile('g'), 'ENOSPC');
    expectCode(() => (fs.lookupPath('/d/a') as FsFile).setTimes(1n, 1n), 'ENOSPC');
    // a hard link to an upper file costs nothing
    fs.root.link('f2', fs.root.lookup('f') as FsFile);
    expect(fs.usage().inodes).toBe(3);
  });

  it('removals succeed on a full quota and release nodes', () => {
    const fs = new ContainerFs({ layers: [lower()], limits: { maxInodes: 1 } });
    fs.root.createFile('f');
    const d = fs.lookupPath('/d') as FsDirectory;
    d.unlink('a');
    d.unlink('b');
    fs.root.removeDirectory('d');
    expect(fs.list('/').sort()).toEqual(['big', 'f']);
    fs.root.unlink('f');
    expect(fs.usage().inodes).toBe(0);
  });

  it('a rename that does not fit changes nothing', () => {
    const fs = new ContainerFs({ layers: [lower()], limits: { maxInodes: 1 } });
    const d = fs.lookupPath('/d') as FsDirectory;
    const a = d.lookup('a');
    expectCode(() => d.rename('a', fs.root, 'a'), 'ENOSPC');
    expect(d.lookup('a')).toBe(a);
    expect(fs.root.lookup('a')).toBeUndefined();
    expect(fs.usage().inodes).toBe(0);
  });
});

describe('file size limit', () => {
  it('EFBIG past 4 GiB by default, without allocating', () => {
    expect(DEFAULT_MAX_FILE_SIZE).toBe(2 ** 32);
    const fs = new ContainerFs();
    const f = fs.root.createFile('f');
    expectCode(() => f.truncate(2 ** 32 + 1), 'EFBIG');
    expectCode(() => f.write(enc('x'), 2 ** 32), 'EFBIG');
    expect(f.size()).toBe(0);
  });

  it('honours limits.maxFileSize and rejects invalid offsets', () => {
    const fs = new ContainerFs({ limits: { maxFileSize: 4 } });
    const f = fs.root.createFile('f');
    f.write(enc('abcd'), 0);
    expectCode(() => f.write(enc('e'), 4), 'EFBIG');
    expectCode(() => f.truncate(-1), 'EINVAL');
    expectCode(() => f.read(new Uint8Array(1), 1.5), 'EINVAL');
    expect(readAll(f)).toBe('abcd');
  });
});

describe('limits set after set-up', () => {
  it('apply from then on, keep what is held, and report every change', () => {
    const fs = new ContainerFs();
    fs.writeFile('/setup', '0123456789');
    const seen: Array<[number, number]> = [];
    fs.meter.onChange = (meter) => seen.push([meter.bytes, meter.inodes]);
    fs.meter.setLimits({ maxBytes: 12, maxInodes: 2, limitError: 'EDQUOT' });
    expect([fs.meter.maxBytes, fs.meter.maxInodes]).toEqual([12, 2]);
    const f = fs.root.createFile('f');
    f.write(enc('ab'), 0);
    expectCode(() => f.write(enc('c'), 2), 'EDQUOT');
    expectCode(() => fs.root.createFile('g'), 'EDQUOT');
    expect(readAll(fs.lookupPath('/setup') as FsFile)).toBe('0123456789');
    expect(seen).toEqual([[10, 2], [12, 2]]);
    fs.root.unlink('f');
    expect(seen.at(-1)).toEqual([10, 1]);
  });
});
