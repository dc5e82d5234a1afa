import { describe, expect, it } from 'vitest';
import { ContainerFs } from '../fs/ContainerFs';
import type { FsDirectory } from '../fs/types';
import { ERRNO_LOOP, ERRNO_NOENT, ERRNO_NOTDIR, ERRNO_PERM } from './constants';
import { SyscallError } from './errors';
import { resolvePath } from './PathResolver';

function errnoOf(fn: () => unknown): number | undefined {
  try { fn(); } catch (e) { if (e instanceof SyscallError) return e.errno; throw e; }
  return undefined;
}

function tree(): { root: FsDirectory; box: FsDirectory } {
  const fs = new ContainerFs();
  const root = fs.root;
  const box = root.createDirectory('box');
  const sub = box.createDirectory('sub');
  sub.createFile('f');
  root.createFile('secret');
  box.createSymlink('up', '../secret');
  box.createSymlink('abs', '/secret');
  box.createSymlink('tosub', 'sub');
  box.createSymlink('loop', 'loop');
  box.createSymlink('file-slash', 'sub/f/');
  return { root, box };
}

describe('resolvePath', () => {
  it('walks components, . and ..', () => {
    const { box } = tree();
    const r = resolvePath(box, 'sub/./../sub//f', false);
    expect(r.name).toBe('f');
    expect(r.node?.kind).toBe('file');
    const self = resolvePath(box, 'sub/..', false);
    expect(self.node).toBe(box);
    expect(self.name).toBeUndefined();
  });
  it('reports a missing last component, NOENT for a missing middle one', () => {
    const { box } = tree();
    const r = resolvePath(box, 'sub/new', false);
    expect(r.node).toBeUndefined();
    expect(r.name).toBe('new');
    expect(errnoOf(() => resolvePath(box, 'nope/new', false))).toBe(ERRNO_NOENT);
    expect(errnoOf(() => resolvePath(box, '', false))).toBe(ERRNO_NOENT);
  });
  it('confines: .., absolute paths, escaping or absolute symlinks → PERM', () => {
    const { box } = tree();
    expect(errnoOf(() => resolvePath(box, '..', false))).toBe(ERRNO_PERM);
    expect(errnoOf(() => resolvePath(box, 'sub/../../secret', false))).toBe(ERRNO_PERM);
    expect(errnoOf(() => resolvePath(box, '/secret', false))).toBe(ERRNO_PERM);
    expect(errnoOf(() => resolvePath(box, 'up', true))).toBe(ERRNO_PERM);
    expect(errnoOf(() => resolvePath(box, 'abs', true))).toBe(ERRNO_PERM);
    expect(errnoOf(() => resolvePath(box, 'up/x', false))).toBe(ERRNO_PERM);
    expect(resolvePath(box, 'up', false).node?.kind).toBe('symlink');
  });
  it('follows symlinks in the middle always, at the end on request', () => {
    const { box } = tree();
    expect(resolvePath(box, 'tosub/f', false).node?.kind).toBe('file');
    expect(resolvePath(box, 'tosub', false).node?.kind).toBe('symlink');
    expect(resolvePath(box, 'tosub', true).node?.kind).toBe('directory');
    expect(resolvePath(box, 'tosub/', false).node?.kind).toBe('directory'); // trailing slash follows
  });
  it('LOOP after too many expansions', () => {
    const { box } = tree();
    expect(errnoOf(() => resolvePath(box, 'loop', true))).toBe(ERRNO_LOOP);
    expect(errnoOf(() => resolvePath(box, 'loop/x', false))).toBe(ERRNO_LOOP);
  });
  it('trailing slash on a non-directory → NOTDIR', () => {
    const { box } = tree();
    expect(errnoOf(() => resolvePath(box, 'sub/f/', false))).toBe(ERRNO_NOTDIR);
    expect(errnoOf(() => resolvePath(box, 'sub/f/x', false))).toBe(ERRNO_NOTDIR);
    expect(errnoOf(() => resolvePath(box, 'file-slash', true))).toBe(ERRNO_NOTDIR);
    expect(resolvePath(box, 'new/', false).mustBeDir).toBe(true);
  });
});
