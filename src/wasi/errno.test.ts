import { describe, expect, it } from 'vitest';
import { FsError, type FsErrorCode } from '../fs/types';
import * as C from './constants';
import { FS_ERRNO, fsErrorToErrno } from './errno';

const TABLE: Array<[FsErrorCode, number]> = [
  ['ENOENT', C.ERRNO_NOENT], ['EEXIST', C.ERRNO_EXIST], ['ENOTDIR', C.ERRNO_NOTDIR], ['EISDIR', C.ERRNO_ISDIR],
  ['ENOTEMPTY', C.ERRNO_NOTEMPTY], ['EINVAL', C.ERRNO_INVAL], ['ELOOP', C.ERRNO_LOOP], ['EXDEV', C.ERRNO_XDEV],
  ['ENOSPC', C.ERRNO_NOSPC], ['EDQUOT', C.ERRNO_DQUOT], ['EROFS', C.ERRNO_ROFS], ['EPERM', C.ERRNO_PERM],
  ['EACCES', C.ERRNO_ACCES], ['ENAMETOOLONG', C.ERRNO_NAMETOOLONG], ['EFBIG', C.ERRNO_FBIG],
  ['EMLINK', C.ERRNO_MLINK], ['EBUSY', C.ERRNO_BUSY], ['ENOTSUP', C.ERRNO_NOTSUP], ['EIO', C.ERRNO_IO],
];

describe('FsError → errno', () => {
  it.each(TABLE)('%s → %i', (code, errno) => {
    expect(fsErrorToErrno(new FsError(code, 'x'))).toBe(errno);
  });
  it('covers every FsErrorCode', () => {
    expect(Object.keys(FS_ERRNO).sort()).toEqual(TABLE.map(([c]) => c).sort());
  });
  it('spot-checks witx numbering', () => {
    expect([C.ERRNO_BADF, C.ERRNO_FAULT, C.ERRNO_INVAL, C.ERRNO_NOENT, C.ERRNO_NOTCAPABLE]).toEqual([8, 21, 28, 44, 76]);
  });
  it('is undefined for anything else; unknown codes are IO', () => {
    expect(fsErrorToErrno(new Error('x'))).toBeUndefined();
    expect(fsErrorToErrno(undefined)).toBeUndefined();
    expect(fsErrorToErrno({ name: 'FsError', code: 'EWHAT' })).toBe(C.ERRNO_IO);
  });
});
