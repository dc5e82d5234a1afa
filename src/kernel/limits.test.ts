import { describe, expect, it } from 'vitest';
import { InvalidOptionsError } from './errors';
import { DEFAULT_LIMITS, fsLimitsOf, resolveLimits } from './limits';

function reason(options: object, extraPreopens = 0): string {
  try {
    resolveLimits(options, DEFAULT_LIMITS, extraPreopens);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('resolveLimits', () => {
  it('takes the defaults, and the options over them', () => {
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
    const limits = resolveLimits({ disk: { bytes: 1000, error: 'dquot' }, pids: 3, fds: 16, logCapacity: 0 });
    expect(limits).toEqual({ disk: { bytes: 1000, inodes: DEFAULT_LIMITS.disk.inodes, error: 'dquot' }, pids: 3, fds: 16, logCapacity: 0 });
    expect(fsLimitsOf(limits)).toEqual({ maxBytes: 1000, maxInodes: DEFAULT_LIMITS.disk.inodes, limitError: 'EDQUOT' });
    expect(resolveLimits({ pids: 5 }, limits).disk.bytes).toBe(1000);
  });

  it('names the option and says what is wrong', () => {
    expect(reason({ pids: 0 })).toBe('invalid option pids: 0 is out of range (1 to 1048576)');
    expect(reason({ pids: 2.5 })).toBe('invalid option pids: 2.5 is not a whole number');
    expect(reason({ pids: '8' })).toBe('invalid option pids: "8" is not a whole number');
    expect(reason({ fds: Number.NaN })).toBe('invalid option fds: NaN is not a whole number');
    expect(reason({ fds: 2 })).toMatch(/^invalid option fds: 2 is out of range \(4 to 1048576\): stdin, stdout, stderr, the preopened directories/);
    expect(reason({ fds: 5 }, 2)).toMatch(/fds: 5 is out of range \(6 to/);
    expect(reason({ disk: { bytes: -1 } })).toMatch(/^invalid option disk.bytes: -1 is out of range/);
    expect(reason({ disk: { inodes: Infinity } })).toBe('invalid option disk.inodes: Infinity is not a whole number');
    expect(reason({ disk: { error: 'full' } })).toBe('invalid option disk.error: "full" must be \'nospc\' (ENOSPC) or \'dquot\' (EDQUOT)');
    expect(reason({ disk: { size: 10 } })).toBe('invalid option disk.size: is not a disk limit (bytes, inodes, error)');
    expect(reason({ disk: 10 })).toBe('invalid option disk: must be an object { bytes?, inodes?, error? }');
    expect(reason({ logCapacity: -5 })).toMatch(/^invalid option logCapacity: -5 is out of range/);
  });
});
