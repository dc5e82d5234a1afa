// Shared encoders: filestat, filetype, and the set-times arguments.
import type { NodeKind, NodeStat, TimeSpec } from '../fs/types';
import {
  ERRNO_INVAL, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_SYMBOLIC_LINK, FSTFLAGS_ATIM,
  FSTFLAGS_ATIM_NOW, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW,
} from './constants';
import { fail } from './errors';
import type { GuestMemory } from './memory';

export function filetypeOf(kind: NodeKind): number {
  switch (kind) {
    case 'file': return FILETYPE_REGULAR_FILE;
    case 'directory': return FILETYPE_DIRECTORY;
    case 'symlink': return FILETYPE_SYMBOLIC_LINK;
  }
}

export interface Filestat {
  dev: bigint; ino: bigint; filetype: number; nlink: bigint; size: bigint;
  atim: bigint; mtim: bigint; ctim: bigint;
}

export function filestatOf(st: NodeStat): Filestat {
  return {
    dev: st.dev, ino: st.ino, filetype: filetypeOf(st.kind), nlink: st.nlink, size: st.size,
    atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs,
  };
}

/** filestat: dev u64 @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56. */
export function writeFilestat(mem: GuestMemory, ptr: number, st: Filestat): void {
  mem.check(ptr, 64);
  mem.zero(ptr, 64);
  mem.setU64(ptr, st.dev);
  mem.setU64(ptr + 8, st.ino);
  mem.setU8(ptr + 16, st.filetype);
  mem.setU64(ptr + 24, st.nlink);
  mem.setU64(ptr + 32, st.size);
  mem.setU64(ptr + 40, st.atim);
  mem.setU64(ptr + 48, st.mtim);
  mem.setU64(ptr + 56, st.ctim);
}

/** Decodes fd/path_filestat_set_times arguments; INVAL when both X and X_NOW are set. */
export function timesFromFlags(atim: bigint, mtim: bigint, fstFlags: number): [TimeSpec | undefined, TimeSpec | undefined] {
  const f = fstFlags & 0xffff;
  if ((f & FSTFLAGS_ATIM) && (f & FSTFLAGS_ATIM_NOW)) fail(ERRNO_INVAL);
  if ((f & FSTFLAGS_MTIM) && (f & FSTFLAGS_MTIM_NOW)) fail(ERRNO_INVAL);
  if (f & ~0xf) fail(ERRNO_INVAL);
  const a: TimeSpec | undefined = f & FSTFLAGS_ATIM_NOW ? 'now' : f & FSTFLAGS_ATIM ? BigInt.asUintN(64, atim) : undefined;
  const m: TimeSpec | undefined = f & FSTFLAGS_MTIM_NOW ? 'now' : f & FSTFLAGS_MTIM ? BigInt.asUintN(64, mtim) : undefined;
  return [a, m];
}
