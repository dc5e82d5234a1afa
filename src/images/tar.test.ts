import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, symlinkSync, linkSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadLayerError } from './errors';
import { layerEntriesFromTar, toSharedBytes } from './layer';
import { readTar, writeTar, type TarEntry } from './tar';

const text = (s: string) => new TextEncoder().encode(s);
const MTIME = 1735689600; // 2025-01-01T00:00:00Z

const SAMPLE: TarEntry[] = [
  { name: 'bin', type: 'directory', mode: 0o755, mtime: MTIME },
  { name: 'bin/hello', type: 'file', mode: 0o755, mtime: MTIME, data: text('\0asm binary') },
  { name: 'etc', type: 'directory', mode: 0o755, mtime: MTIME },
  { name: 'etc/empty', type: 'file', mode: 0o600, mtime: MTIME, data: new Uint8Array(0) },
  { name: 'etc/big', type: 'file', mode: 0o644, mtime: MTIME, data: new Uint8Array(1500).map((_, i) => i % 251) },
  { name: 'etc/link', type: 'symlink', mode: 0o777, mtime: MTIME, linkName: '../bin/hello' },
  { name: 'tmp', type: 'directory', mode: 0o1777, mtime: MTIME },
  { name: 'bin/hi', type: 'hardlink', mode: 0o755, mtime: MTIME, linkName: 'bin/hello' },
];

const strip = (entries: TarEntry[]) => entries.map(({ uid: _u, gid: _g, uname: _n, gname: _m, ...rest }) => ({ ...rest, data: rest.data && [...rest.data] }));

describe('tar', () => {
  it('round-trips directories, files, modes, mtimes, symlinks and hard links', () => {
    const bytes = writeTar(SAMPLE);
    expect(bytes.length % 512).toBe(0);
    const back = readTar(bytes);
    expect(strip(back)).toEqual(strip(SAMPLE));
    expect(back[1]!.uname).toBe('root');
  });

  it('reads file data as views into the archive (zero copy)', () => {
    const bytes = writeTar(SAMPLE);
    const file = readTar(bytes).find((entry) => entry.name === 'bin/hello')!;
    expect(file.data!.buffer).toBe(bytes.buffer);
  });

  it('is deterministic', () => {
    expect(writeTar(SAMPLE)).toEqual(writeTar(SAMPLE));
  });

  it('handles long names with the ustar prefix and with pax headers', () => {
    const deep = `${'a'.repeat(90)}/${'b'.repeat(90)}/file.txt`; // fits prefix + name
    const huge = `${'c'.repeat(120)}/${'d'.repeat(120)}`; // component over 100: needs pax
    const target = 'x'.repeat(150);
    const entries: TarEntry[] = [
      { name: deep, type: 'file', mode: 0o644, mtime: 0, data: text('deep') },
      { name: huge, type: 'file', mode: 0o644, mtime: 0, data: text('huge') },
      { name: 'long-link', type: 'symlink', mode: 0o777, mtime: 0, linkName: target },
    ];
    const back = readTar(writeTar(entries));
    expect(back.map((entry) => entry.name)).toEqual([deep, huge, 'long-link']);
    expect(back[2]!.linkName).toBe(target);
    expect(new TextDecoder().decode(back[1]!.data)).toBe('huge');
  });

  it('normalises names and rejects "..", bad checksums and truncation', () => {
    expect(readTar(writeTar([{ name: './x/', type: 'directory', mode: 0o755, mtime: 0 }]))[0]!.name).toBe('x');
    expect(() => writeTar([{ name: 'a/../b', type: 'directory', mode: 0o755, mtime: 0 }])).toThrow(BadLayerError);
    const bytes = writeTar(SAMPLE);
    const corrupt = bytes.slice();
    corrupt[10] ^= 1;
    expect(() => readTar(corrupt)).toThrow(/checksum/);
    expect(() => readTar(bytes.subarray(0, 1024 + 100))).toThrow(BadLayerError);
    expect(() => readTar(bytes.subarray(0, bytes.length - 1024))).toThrow(/end-of-archive/);
  });

  it('is readable by system tar, and reads what system tar writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-tar-'));
    const ours = join(dir, 'ours.tar');
    writeFileSync(ours, writeTar(SAMPLE));
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', ours, '-C', out]);
    expect(readFileSync(join(out, 'bin/hello'), 'utf8')).toBe('\0asm binary');
    expect(readlinkSync(join(out, 'etc/link'))).toBe('../bin/hello');
    expect(lstatSync(join(out, 'bin/hi')).ino).toBe(lstatSync(join(out, 'bin/hello')).ino);
    expect(lstatSync(join(out, 'bin/hello')).mode & 0o777).toBe(0o755);

    const src = join(dir, 'src');
    mkdirSync(join(src, 'd'), { recursive: true });
    writeFileSync(join(src, 'd/f'), 'from gnu tar');
    symlinkSync('f', join(src, 'd/s'));
    linkSync(join(src, 'd/f'), join(src, 'd/h'));
    const theirs = join(dir, 'theirs.tar');
    execFileSync('tar', ['--format=posix', '--sort=name', '-cf', theirs, '-C', src, 'd']);
    const entries = readTar(new Uint8Array(readFileSync(theirs)));
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    expect(byName.get('d')!.type).toBe('directory');
    expect(new TextDecoder().decode(byName.get('d/f')!.data)).toBe('from gnu tar');
    expect(byName.get('d/s')).toMatchObject({ type: 'symlink', linkName: 'f' });
    expect(byName.get('d/h')).toMatchObject({ type: 'hardlink', linkName: 'd/f' });
  });
});

describe('layerEntriesFromTar', () => {
  it('maps tar entries to LayerEntry over one shared buffer', () => {
    const shared = toSharedBytes(writeTar(SAMPLE));
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const entries = layerEntriesFromTar(shared);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('/bin')).toEqual({ path: '/bin', kind: 'directory', mode: 0o755, mtimeNs: BigInt(MTIME) * 1_000_000_000n });
    expect(byPath.get('/bin/hello')!.data!.buffer).toBe(shared.buffer);
    expect(byPath.get('/etc/link')).toMatchObject({ kind: 'symlink', target: '../bin/hello' });
    expect(byPath.get('/bin/hi')).toMatchObject({ kind: 'file', linkTo: '/bin/hello' });
    expect(byPath.get('/bin/hi')!.data).toBeUndefined();
    expect(byPath.get('/tmp')!.mode).toBe(0o1777);
  });

  it('rejects hard links to missing entries or directories', () => {
    expect(() => layerEntriesFromTar(writeTar([{ name: 'a', type: 'hardlink', mode: 0o644, mtime: 0, linkName: 'b' }]))).toThrow(/not an earlier entry/);
    expect(() => layerEntriesFromTar(writeTar([
      { name: 'd', type: 'directory', mode: 0o755, mtime: 0 },
      { name: 'a', type: 'hardlink', mode: 0o644, mtime: 0, linkName: 'd' },
    ]))).toThrow(/names directory/);
  });
});
