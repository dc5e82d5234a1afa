// Direct calls into the imports: out-of-bounds pointers for every function,
// and the three outcomes (errno, exit/kill, trap) kept apart.
import { describe, expect, it } from 'vitest';
import { ContainerFs } from '../fs/ContainerFs';
import { ERRNO_BADF, ERRNO_INVAL } from './constants';
import { ProcessKilled, ProcExit, WASI_PREVIEW1_FUNCTIONS, WasiHostTrap, WasiProcess } from './index';
import { BufferInput, SleepWaiter, testOptions } from './testing/fakes';

/** Parameter types per witx (true = i64). */
const I64_PARAMS: Record<string, number[]> = {
  clock_time_get: [1], fd_advise: [1, 2], fd_allocate: [1, 2], fd_fdstat_set_rights: [1, 2],
  fd_filestat_set_size: [1], fd_filestat_set_times: [1, 2], fd_pread: [3], fd_pwrite: [3], fd_readdir: [3],
  fd_seek: [1], path_filestat_set_times: [4, 5], path_open: [5, 6],
};
const ARITY: Record<string, number> = {
  args_get: 2, args_sizes_get: 2, environ_get: 2, environ_sizes_get: 2, clock_res_get: 2, clock_time_get: 3,
  fd_advise: 4, fd_allocate: 3, fd_close: 1, fd_datasync: 1, fd_fdstat_get: 2, fd_fdstat_set_flags: 2,
  fd_fdstat_set_rights: 3, fd_filestat_get: 2, fd_filestat_set_size: 2, fd_filestat_set_times: 4, fd_pread: 5,
  fd_prestat_get: 2, fd_prestat_dir_name: 3, fd_pwrite: 5, fd_read: 4, fd_readdir: 5, fd_renumber: 2, fd_seek: 4,
  fd_sync: 1, fd_tell: 2, fd_write: 4, path_create_directory: 3, path_filestat_get: 5, path_filestat_set_times: 7,
  path_link: 7, path_open: 9, path_readlink: 6, path_remove_directory: 3, path_rename: 6, path_symlink: 5,
  path_unlink_file: 3, poll_oneoff: 4, proc_exit: 1, proc_raise: 1, sched_yield: 0, random_get: 2,
  sock_accept: 3, sock_recv: 6, sock_send: 5, sock_shutdown: 2,
};

function setup(overrides = {}) {
  const fs = new ContainerFs();
  fs.root.createFile('file').write(new TextEncoder().encode('data'), 0);
  fs.root.createDirectory('dir');
  fs.root.createSymlink('link', 'file');
  const proc = new WasiProcess(testOptions({ preopens: [{ guestPath: '/', dir: fs.root }], ...overrides }));
  const memory = new WebAssembly.Memory({ initial: 1 });
  proc.attach(memory);
  const fns = proc.imports.wasi_snapshot_preview1 as Record<string, (...a: unknown[]) => number>;
  return { proc, fns, memory, fs };
}

describe('WasiProcess imports', () => {
  it('provides every wasi_snapshot_preview1 function of the witx', () => {
    expect([...WASI_PREVIEW1_FUNCTIONS].sort()).toEqual(Object.keys(ARITY).sort());
    const { fns } = setup();
    for (const name of WASI_PREVIEW1_FUNCTIONS) expect(typeof fns[name]).toBe('function');
  });

  it('out-of-bounds pointers and lengths in every argument give an errno, never a host exception', () => {
    const BAD = [-16 /* 0xFFFFFFF0 */, 65535, 0x7fffffff, -1];
    for (const name of WASI_PREVIEW1_FUNCTIONS) {
      if (name === 'proc_exit' || name === 'proc_raise') continue;
      const arity = ARITY[name]!;
      for (const fd of [0, 1, 3, 4]) {
        for (const bad of BAD) {
          for (let pos = 0; pos < arity; pos++) {
            const { fns } = setup();
            // Valid-looking defaults: fd first, small in-bounds pointers, lengths 8.
            const args: unknown[] = [];
            for (let i = 0; i < arity; i++) {
              const i64 = I64_PARAMS[name]?.includes(i) ?? false;
              let v: number = i === 0 ? fd : 64 + i * 128;
              if (i === pos) v = bad;
              args.push(i64 ? BigInt(v) : v);
            }
            if (name === 'poll_oneoff' && pos !== 2) args[2] = 1;
            let result: unknown;
            try {
              result = fns[name]!(...args);
            } catch (error) {
              expect.fail(`${name}(${args.join(', ')}) threw ${String(error)}`);
            }
            expect(typeof result, `${name}(${args.join(', ')})`).toBe('number');
            expect(Number.isInteger(result) && (result as number) >= 0 && (result as number) <= 76).toBe(true);
          }
        }
      }
    }
  });

  it('proc_exit throws ProcExit; proc_raise(TERM) throws ProcessKilled(15)', () => {
    const { fns } = setup();
    expect(() => fns.proc_exit!(3)).toThrow(ProcExit);
    try { fns.proc_raise!(15); } catch (e) { expect(e).toBeInstanceOf(ProcessKilled); expect((e as ProcessKilled).exitCode).toBe(143); }
    try { fns.proc_raise!(16 /* WASI CHLD → ignored */); } catch { expect.fail('CHLD must be ignored'); }
    expect(fns.proc_raise!(16)).toBe(0);
    try { fns.proc_raise!(9); } catch (e) { expect((e as ProcessKilled).signal).toBe(9); }
    try { fns.proc_raise!(18 /* WASI STOP */); } catch { expect.fail('STOP cannot stop a worker'); }
  });

  it('checkSignals runs first in every import and its exception passes through untouched', () => {
    class Interrupt extends Error {}
    let armed = false;
    const { fns } = setup({ checkSignals: () => { if (armed) throw new Interrupt('sig'); } });
    for (const name of WASI_PREVIEW1_FUNCTIONS) {
      armed = true;
      expect(() => fns[name]!(...new Array(ARITY[name]).fill(0)), name).toThrow(Interrupt);
    }
    armed = false;
    expect(fns.sched_yield!()).toBe(0);
  });

  it('poll_oneoff and a blocking stdin read wait through the waiter and re-check signals', () => {
    const waiter = new SleepWaiter();
    const stdin = new BufferInput('');
    stdin.closed = false;
    let checks = 0;
    const checkSignals = () => { checks++; if (checks > 5) throw new ProcessKilled(2); };
    // A real stdin blocks inside read, waiting and re-checking signals.
    stdin.whenEmpty = () => { waiter.wait(Infinity); checkSignals(); };
    const { fns, memory } = setup({ stdin, waiter, checkSignals });
    const dv = new DataView(memory.buffer);
    dv.setUint32(0, 100, true); dv.setUint32(4, 10, true); // iovec → [100, 110)
    expect(() => fns.fd_read!(0, 0, 1, 200)).toThrow(ProcessKilled);
    expect(waiter.calls).toBeGreaterThanOrEqual(4);
    // poll on stdin only: blocks until data arrives on a wake-up
    checks = -1000;
    waiter.calls = 0;
    waiter.onWait = () => { if (waiter.calls === 3) stdin.push('hi'); };
    new Uint8Array(memory.buffer, 300, 48).fill(0);
    dv.setBigUint64(300, 7n, true); dv.setUint8(308, 1 /* FD_READ */); dv.setUint32(316, 0, true);
    expect(fns.poll_oneoff!(300, 400, 1, 500)).toBe(0);
    expect(dv.getUint32(500, true)).toBe(1);
    expect(dv.getBigUint64(400, true)).toBe(7n);
    expect(dv.getBigUint64(416, true)).toBe(2n);
    expect(waiter.calls).toBe(3);
  });

  it('NONBLOCK stdin read is AGAIN instead of blocking', () => {
    const stdin = new BufferInput('');
    stdin.closed = false;
    const { fns, memory } = setup({ stdin });
    expect(fns.fd_fdstat_set_flags!(0, 4 /* NONBLOCK */)).toBe(0);
    const dv = new DataView(memory.buffer);
    dv.setUint32(0, 100, true); dv.setUint32(4, 10, true);
    expect(fns.fd_read!(0, 0, 1, 200)).toBe(6 /* AGAIN */);
  });

  it('a JS exception from the fs (host bug) becomes a trap, not an errno or a raw exception', () => {
    const fs = new ContainerFs();
    const broken = Object.create(fs.root, { lookup: { value: () => { throw new TypeError('boom'); } } });
    const proc = new WasiProcess(testOptions({ preopens: [{ guestPath: '/', dir: broken }] }));
    const memory = new WebAssembly.Memory({ initial: 1 });
    proc.attach(memory);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('x'), 0);
    const fns = proc.imports.wasi_snapshot_preview1 as Record<string, (...a: unknown[]) => number>;
    expect(() => fns.path_filestat_get!(3, 0, 0, 1, 100)).toThrow(WasiHostTrap);
    expect(() => fns.path_filestat_get!(3, 0, 0, 1, 100)).toThrow(WebAssembly.RuntimeError);
  });

  it('small errno spot checks', () => {
    const { fns } = setup();
    expect(fns.poll_oneoff!(0, 0, 0, 0)).toBe(ERRNO_INVAL);
    expect(fns.fd_close!(42)).toBe(ERRNO_BADF);
    expect(fns.clock_res_get!(7, 0)).toBe(ERRNO_INVAL);
  });
});
