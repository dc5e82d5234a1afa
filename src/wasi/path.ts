// path_* syscalls: each resolves its path(s) with PathResolver from a
// directory handle (rights checked first), then calls one fs method.
import type { FsDirectory, FsNode } from '../fs/types';
import {
  ERRNO_EXIST, ERRNO_INVAL, ERRNO_ISDIR, ERRNO_LOOP, ERRNO_NOENT, ERRNO_NOTDIR, ERRNO_PERM, ERRNO_SUCCESS,
  FDFLAGS_ALL, LOOKUPFLAGS_SYMLINK_FOLLOW, OFLAGS_CREAT, OFLAGS_DIRECTORY, OFLAGS_EXCL, OFLAGS_TRUNC,
  RIGHTS_DIRECTORY_BASE, RIGHTS_FD_WRITE, RIGHTS_FILE_BASE, RIGHTS_PATH_CREATE_DIRECTORY,
  RIGHTS_PATH_CREATE_FILE, RIGHTS_PATH_FILESTAT_GET, RIGHTS_PATH_FILESTAT_SET_SIZE,
  RIGHTS_PATH_FILESTAT_SET_TIMES, RIGHTS_PATH_LINK_SOURCE, RIGHTS_PATH_LINK_TARGET, RIGHTS_PATH_OPEN,
  RIGHTS_PATH_READLINK, RIGHTS_PATH_REMOVE_DIRECTORY, RIGHTS_PATH_RENAME_SOURCE, RIGHTS_PATH_RENAME_TARGET,
  RIGHTS_PATH_SYMLINK, RIGHTS_PATH_UNLINK_FILE,
} from './constants';
import type { SyscallContext, SyscallFamily } from './context';
import { fail } from './errors';
import { encodeUtf8 } from './memory';
import { resolvePath, type Resolved } from './PathResolver';
import { filestatOf, timesFromFlags, writeFilestat } from './stat';

function follows(lookupFlags: number): boolean {
  return (lookupFlags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
}

/** The node a path names; NOENT when missing. */
function existing(r: Resolved): FsNode {
  if (!r.node) fail(ERRNO_NOENT);
  return r.node;
}

/** For operations on an entry (unlink, rmdir, rename, link, create): its directory and name. */
function entry(r: Resolved, whenSelf: number): { dir: FsDirectory; name: string } {
  if (r.name === undefined) fail(whenSelf);
  return { dir: r.dir, name: r.name };
}

export const pathSyscalls = {
  path_create_directory(ctx: SyscallContext, fd: number, pathPtr: number, pathLen: number) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_CREATE_DIRECTORY);
    const r = resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), false);
    const { dir, name } = entry(r, ERRNO_EXIST);
    if (r.node) fail(ERRNO_EXIST);
    dir.createDirectory(name);
    return ERRNO_SUCCESS;
  },

  path_filestat_get(ctx: SyscallContext, fd: number, flags: number, pathPtr: number, pathLen: number, bufPtr: number) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_FILESTAT_GET);
    const r = resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), follows(flags));
    writeFilestat(ctx.mem, bufPtr, filestatOf(existing(r).stat()));
    return ERRNO_SUCCESS;
  },

  path_filestat_set_times(
    ctx: SyscallContext, fd: number, flags: number, pathPtr: number, pathLen: number,
    atim: bigint, mtim: bigint, fstFlags: number,
  ) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_FILESTAT_SET_TIMES);
    const [a, m] = timesFromFlags(atim, mtim, fstFlags);
    const r = resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), follows(flags));
    existing(r).setTimes(a, m);
    return ERRNO_SUCCESS;
  },

  path_link(
    ctx: SyscallContext, oldFd: number, oldFlags: number, oldPathPtr: number, oldPathLen: number,
    newFd: number, newPathPtr: number, newPathLen: number,
  ) {
    const src = ctx.fds.dir(oldFd, RIGHTS_PATH_LINK_SOURCE);
    const dst = ctx.fds.dir(newFd, RIGHTS_PATH_LINK_TARGET);
    const oldPath = ctx.mem.readPath(oldPathPtr, oldPathLen);
    const newPath = ctx.mem.readPath(newPathPtr, newPathLen);
    const node = existing(resolvePath(src.dir, oldPath, follows(oldFlags)));
    const r = resolvePath(dst.dir, newPath, false);
    const { dir, name } = entry(r, ERRNO_EXIST);
    if (r.node) fail(ERRNO_EXIST);
    if (node.kind === 'directory') fail(ERRNO_PERM); // no hard links to directories
    if (r.mustBeDir) fail(ERRNO_NOENT);
    dir.link(name, node);
    return ERRNO_SUCCESS;
  },

  path_open(
    ctx: SyscallContext, fd: number, dirFlags: number, pathPtr: number, pathLen: number, oflags: number,
    rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdPtr: number,
  ) {
    const o = oflags & 0xffff;
    const flags = fdflags & 0xffff;
    let needed = RIGHTS_PATH_OPEN;
    if (o & OFLAGS_CREAT) needed |= RIGHTS_PATH_CREATE_FILE;
    if (o & OFLAGS_TRUNC) needed |= RIGHTS_PATH_FILESTAT_SET_SIZE;
    const h = ctx.fds.dir(fd, needed);
    const path = ctx.mem.readPath(pathPtr, pathLen);
    ctx.mem.check(fdPtr, 4);
    if (o & ~0xf || flags & ~FDFLAGS_ALL) fail(ERRNO_INVAL);
    if (o & OFLAGS_CREAT && o & OFLAGS_DIRECTORY) fail(ERRNO_INVAL);
    const base = BigInt.asUintN(64, rightsBase) & h.rightsInheriting;
    const inheriting = BigInt.asUintN(64, rightsInheriting) & h.rightsInheriting;

    const r = resolvePath(h.dir, path, follows(dirFlags));
    let node = r.node;
    if (!node) {
      if (!(o & OFLAGS_CREAT)) fail(ERRNO_NOENT);
      if (r.mustBeDir) fail(ERRNO_ISDIR);
      node = r.dir.createFile(r.name!);
    } else {
      if (o & OFLAGS_CREAT && o & OFLAGS_EXCL) fail(ERRNO_EXIST);
      if (node.kind === 'symlink') fail(o & OFLAGS_DIRECTORY ? ERRNO_NOTDIR : ERRNO_LOOP);
      if (o & OFLAGS_DIRECTORY && node.kind !== 'directory') fail(ERRNO_NOTDIR);
      if (node.kind === 'directory' && (base & RIGHTS_FD_WRITE || o & (OFLAGS_TRUNC | OFLAGS_CREAT))) {
        fail(ERRNO_ISDIR);
      }
      if (node.kind === 'file' && o & OFLAGS_TRUNC) node.truncate(0);
    }
    let newFd: number;
    if (node.kind === 'directory') {
      newFd = ctx.fds.add({
        type: 'directory', dir: node, rightsBase: base & RIGHTS_DIRECTORY_BASE,
        rightsInheriting: inheriting, fdflags: flags,
      });
    } else {
      newFd = ctx.fds.add({
        type: 'file', node: node as Extract<FsNode, { kind: 'file' }>, position: 0,
        rightsBase: base & RIGHTS_FILE_BASE, rightsInheriting: inheriting, fdflags: flags,
      });
    }
    ctx.mem.setU32(fdPtr, newFd);
    return ERRNO_SUCCESS;
  },

  /** Copies at most buf_len bytes of the target (truncating, no NUL); returns the count. */
  path_readlink(
    ctx: SyscallContext, fd: number, pathPtr: number, pathLen: number, bufPtr: number, bufLen: number,
    bufUsedPtr: number,
  ) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_READLINK);
    const node = existing(resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), false));
    if (node.kind !== 'symlink') fail(ERRNO_INVAL);
    const target = encodeUtf8(node.target);
    const n = Math.min(target.length, bufLen >>> 0);
    ctx.mem.check(bufPtr, bufLen);
    ctx.mem.check(bufUsedPtr, 4);
    ctx.mem.write(bufPtr, target.subarray(0, n));
    ctx.mem.setU32(bufUsedPtr, n);
    return ERRNO_SUCCESS;
  },

  path_remove_directory(ctx: SyscallContext, fd: number, pathPtr: number, pathLen: number) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_REMOVE_DIRECTORY);
    const r = resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), false);
    const { dir, name } = entry(r, ERRNO_INVAL);
    const node = existing(r);
    if (node.kind !== 'directory') fail(ERRNO_NOTDIR);
    dir.removeDirectory(name);
    return ERRNO_SUCCESS;
  },

  path_rename(
    ctx: SyscallContext, fd: number, oldPathPtr: number, oldPathLen: number, newFd: number, newPathPtr: number,
    newPathLen: number,
  ) {
    const src = ctx.fds.dir(fd, RIGHTS_PATH_RENAME_SOURCE);
    const dst = ctx.fds.dir(newFd, RIGHTS_PATH_RENAME_TARGET);
    const oldPath = ctx.mem.readPath(oldPathPtr, oldPathLen);
    const newPath = ctx.mem.readPath(newPathPtr, newPathLen);
    const from = resolvePath(src.dir, oldPath, false);
    const to = resolvePath(dst.dir, newPath, false);
    const node = existing(from);
    const a = entry(from, ERRNO_INVAL);
    const b = entry(to, ERRNO_INVAL);
    if ((from.mustBeDir || to.mustBeDir) && node.kind !== 'directory') fail(ERRNO_NOTDIR);
    a.dir.rename(a.name, b.dir, b.name);
    return ERRNO_SUCCESS;
  },

  path_symlink(
    ctx: SyscallContext, oldPathPtr: number, oldPathLen: number, fd: number, newPathPtr: number,
    newPathLen: number,
  ) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_SYMLINK);
    const target = ctx.mem.readPath(oldPathPtr, oldPathLen);
    const r = resolvePath(h.dir, ctx.mem.readPath(newPathPtr, newPathLen), false);
    const { dir, name } = entry(r, ERRNO_EXIST);
    if (r.node) fail(ERRNO_EXIST);
    if (r.mustBeDir) fail(ERRNO_NOENT);
    if (target.length === 0) fail(ERRNO_NOENT);
    dir.createSymlink(name, target);
    return ERRNO_SUCCESS;
  },

  path_unlink_file(ctx: SyscallContext, fd: number, pathPtr: number, pathLen: number) {
    const h = ctx.fds.dir(fd, RIGHTS_PATH_UNLINK_FILE);
    const r = resolvePath(h.dir, ctx.mem.readPath(pathPtr, pathLen), false);
    const { dir, name } = entry(r, ERRNO_ISDIR);
    const node = existing(r);
    if (node.kind === 'directory') fail(ERRNO_ISDIR);
    dir.unlink(name);
    return ERRNO_SUCCESS;
  },
} satisfies SyscallFamily;
