// What the JSON headers of the fs RPC say: one request per FsDirectory /
// FsFile / FsSymlink method, and their answers. Short keys because every
// operation pays for encoding them; bigints travel as decimal strings
// (JSON has no bigint) and nodes as refs (id and kind in one number).

import { FsError, type FsErrorCode, type NodeKind, type NodeStat, type TimeSpec } from '../../fs/types';

export type Op =
  | 'stat' | 'setTimes' | 'lookup' | 'parent' | 'entries' | 'removed'
  | 'createFile' | 'createDirectory' | 'createSymlink' | 'link' | 'unlink' | 'removeDirectory' | 'rename'
  | 'read' | 'write' | 'size' | 'truncate' | 'target';

export interface Request {
  /** Operation. */
  readonly o: Op;
  /** Node id the operation is on. */
  readonly i: number;
  /** Entry name. */
  readonly n?: string;
  /** Second node: link's node, rename's destination directory. */
  readonly k?: number;
  /** Rename's destination name. */
  readonly m?: string;
  /** Mode for create*. */
  readonly p?: number;
  /** Position (read, write). */
  readonly x?: number;
  /** Length (read) or size (truncate). */
  readonly l?: number;
  /** Times for setTimes. */
  readonly a?: WireTime;
  readonly b?: WireTime;
  /** Symlink target. */
  readonly g?: string;
}

/** The answer: a result, or an error with its code and message. */
export type Response = { readonly r: unknown } | { readonly e: string; readonly m: string };

type WireTime = string | null;

export function encodeTime(t: TimeSpec | undefined): WireTime {
  return t === undefined ? null : t === 'now' ? 'now' : t.toString();
}

export function decodeTime(t: WireTime | undefined): TimeSpec | undefined {
  return t === null || t === undefined ? undefined : t === 'now' ? 'now' : BigInt(t);
}

const KINDS: readonly NodeKind[] = ['file', 'directory', 'symlink'];

/** A node as a number: id * 4 + kind, so entries() is a flat array of names and numbers. */
export function encodeRef(id: number, kind: NodeKind): number {
  return id * 4 + KINDS.indexOf(kind);
}

export function decodeRef(ref: number): { id: number; kind: NodeKind } {
  const kind = KINDS[ref % 4];
  if (kind === undefined) throw new FsError('EIO', `fsRpc: bad node ref ${ref}`);
  return { id: Math.floor(ref / 4), kind };
}

type WireStat = [string, string, NodeKind, string, string, string, string, string, number];

export function encodeStat(s: NodeStat): WireStat {
  return [
    s.dev.toString(), s.ino.toString(), s.kind, s.nlink.toString(), s.size.toString(),
    s.atimeNs.toString(), s.mtimeNs.toString(), s.ctimeNs.toString(), s.mode,
  ];
}

export function decodeStat(w: WireStat): NodeStat {
  return {
    dev: BigInt(w[0]), ino: BigInt(w[1]), kind: w[2], nlink: BigInt(w[3]), size: BigInt(w[4]),
    atimeNs: BigInt(w[5]), mtimeNs: BigInt(w[6]), ctimeNs: BigInt(w[7]), mode: w[8],
  };
}

const CODES = new Set<string>([
  'ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EINVAL', 'ELOOP', 'EXDEV', 'ENOSPC', 'EDQUOT',
  'EROFS', 'EPERM', 'EACCES', 'ENAMETOOLONG', 'EFBIG', 'EMLINK', 'EBUSY', 'ENOTSUP', 'EIO',
] satisfies FsErrorCode[]);

/**
 * What the server sends for an exception: an FsError keeps its code and
 * message (recognised by shape, like src/wasi does, so a second bundled copy
 * of src/fs still counts); anything else becomes EIO with its message.
 */
export function encodeError(error: unknown): Response {
  const { name, code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown; code?: unknown; message?: unknown;
  };
  if (name === 'FsError' && typeof code === 'string' && CODES.has(code)) {
    const text = typeof message === 'string' ? message : '';
    // FsError's message is "CODE: text"; send the text so the client's FsError reads the same.
    return { e: code, m: text.startsWith(`${code}: `) ? text.slice(code.length + 2) : text };
  }
  return { e: 'EIO', m: typeof message === 'string' ? message : String(error) };
}

export function decodeError(r: { e: string; m: string }): FsError {
  return new FsError(CODES.has(r.e) ? (r.e as FsErrorCode) : 'EIO', r.m);
}
