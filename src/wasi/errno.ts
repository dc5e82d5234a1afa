// FsError and NetError codes → WASI errno, in one place.
import type { FsErrorCode } from '../fs/types';
import type { NetErrorCode } from '../net/Stream';
import {
  ERRNO_ADDRINUSE, ERRNO_ADDRNOTAVAIL, ERRNO_AFNOSUPPORT, ERRNO_AGAIN, ERRNO_CONNABORTED, ERRNO_CONNREFUSED,
  ERRNO_CONNRESET, ERRNO_HOSTUNREACH, ERRNO_ISCONN, ERRNO_NETUNREACH, ERRNO_NOBUFS, ERRNO_NOTCONN, ERRNO_PIPE,
  ERRNO_TIMEDOUT, ERRNO_ACCES, ERRNO_BUSY, ERRNO_DQUOT, ERRNO_EXIST, ERRNO_FBIG, ERRNO_INVAL, ERRNO_IO, ERRNO_ISDIR,
  ERRNO_LOOP, ERRNO_MLINK, ERRNO_NAMETOOLONG, ERRNO_NOENT, ERRNO_NOSPC, ERRNO_NOTDIR, ERRNO_NOTEMPTY,
  ERRNO_NOTSUP, ERRNO_PERM, ERRNO_ROFS, ERRNO_XDEV,
} from './constants';

export const FS_ERRNO: Readonly<Record<FsErrorCode, number>> = {
  ENOENT: ERRNO_NOENT,
  EEXIST: ERRNO_EXIST,
  ENOTDIR: ERRNO_NOTDIR,
  EISDIR: ERRNO_ISDIR,
  ENOTEMPTY: ERRNO_NOTEMPTY,
  EINVAL: ERRNO_INVAL,
  ELOOP: ERRNO_LOOP,
  EXDEV: ERRNO_XDEV,
  ENOSPC: ERRNO_NOSPC,
  EDQUOT: ERRNO_DQUOT,
  EROFS: ERRNO_ROFS,
  EPERM: ERRNO_PERM,
  EACCES: ERRNO_ACCES,
  ENAMETOOLONG: ERRNO_NAMETOOLONG,
  EFBIG: ERRNO_FBIG,
  EMLINK: ERRNO_MLINK,
  EBUSY: ERRNO_BUSY,
  ENOTSUP: ERRNO_NOTSUP,
  EIO: ERRNO_IO,
};

/**
 * The errno for a file-system error, or undefined when `error` is not one.
 * Recognised by shape (name 'FsError' and a known code) so a second copy of
 * the fs module (bundling) still maps correctly.
 */
export function fsErrorToErrno(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'FsError' || typeof code !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(FS_ERRNO, code) ? FS_ERRNO[code as FsErrorCode] : ERRNO_IO;
}

/** Socket error codes (src/net) → WASI errno. */
export const NET_ERRNO: Readonly<Record<NetErrorCode, number>> = {
  ECONNREFUSED: ERRNO_CONNREFUSED,
  ECONNRESET: ERRNO_CONNRESET,
  ECONNABORTED: ERRNO_CONNABORTED,
  EPIPE: ERRNO_PIPE,
  EADDRINUSE: ERRNO_ADDRINUSE,
  EADDRNOTAVAIL: ERRNO_ADDRNOTAVAIL,
  ENOTCONN: ERRNO_NOTCONN,
  EISCONN: ERRNO_ISCONN,
  EINVAL: ERRNO_INVAL,
  EAGAIN: ERRNO_AGAIN,
  ENOBUFS: ERRNO_NOBUFS,
  EHOSTUNREACH: ERRNO_HOSTUNREACH,
  ENETUNREACH: ERRNO_NETUNREACH,
  ENOTSUP: ERRNO_NOTSUP,
  EOPNOTSUPP: ERRNO_NOTSUP,
  EAFNOSUPPORT: ERRNO_AFNOSUPPORT,
  ETIMEDOUT: ERRNO_TIMEDOUT,
};

/** The errno for a socket error (recognised by shape, like fsErrorToErrno), or undefined. */
export function netErrorToErrno(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'NetError' || typeof code !== 'string') return undefined;
  return Object.prototype.hasOwnProperty.call(NET_ERRNO, code) ? NET_ERRNO[code as NetErrorCode] : ERRNO_IO;
}
