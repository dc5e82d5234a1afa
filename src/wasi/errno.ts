// FsError codes → WASI errno, in one place.
import type { FsErrorCode } from '../fs/types';
import {
  ERRNO_ACCES, ERRNO_BUSY, ERRNO_DQUOT, ERRNO_EXIST, ERRNO_FBIG, ERRNO_INVAL, ERRNO_IO, ERRNO_ISDIR,
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
