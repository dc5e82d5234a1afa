/*
 * syscall_fuzz: calls WASI preview1 and WASIX socket imports with random
 * arguments from a seeded generator, as a hostile or buggy guest would.
 *
 *   syscall_fuzz SEED CALLS        prints "progress N" every 1000 calls and
 *                                  "survived N" at the end; CALLS 0 = forever
 *
 * Pointers are a mix of valid ones into a scratch buffer, random 32-bit
 * values and edge values (0, -1, the end of memory). Left out on purpose:
 * proc_exit and proc_raise (they end the fuzzer itself) and poll_oneoff
 * (random subscriptions may ask to sleep for centuries; it is fuzzed at the
 * import level in src/wasi). Sockets the fuzzer opens are made
 * non-blocking, so a random accept or recv cannot wait forever.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P1(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#define WX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))
typedef int32_t i32;
typedef int64_t i64;

P1(args_get) i32 w_args_get(i32, i32);
P1(args_sizes_get) i32 w_args_sizes_get(i32, i32);
P1(environ_get) i32 w_environ_get(i32, i32);
P1(environ_sizes_get) i32 w_environ_sizes_get(i32, i32);
P1(clock_res_get) i32 w_clock_res_get(i32, i32);
P1(clock_time_get) i32 w_clock_time_get(i32, i64, i32);
P1(fd_advise) i32 w_fd_advise(i32, i64, i64, i32);
P1(fd_allocate) i32 w_fd_allocate(i32, i64, i64);
P1(fd_close) i32 w_fd_close(i32);
P1(fd_datasync) i32 w_fd_datasync(i32);
P1(fd_fdstat_get) i32 w_fd_fdstat_get(i32, i32);
P1(fd_fdstat_set_flags) i32 w_fd_fdstat_set_flags(i32, i32);
P1(fd_fdstat_set_rights) i32 w_fd_fdstat_set_rights(i32, i64, i64);
P1(fd_filestat_get) i32 w_fd_filestat_get(i32, i32);
P1(fd_filestat_set_size) i32 w_fd_filestat_set_size(i32, i64);
P1(fd_filestat_set_times) i32 w_fd_filestat_set_times(i32, i64, i64, i32);
P1(fd_pread) i32 w_fd_pread(i32, i32, i32, i64, i32);
P1(fd_prestat_get) i32 w_fd_prestat_get(i32, i32);
P1(fd_prestat_dir_name) i32 w_fd_prestat_dir_name(i32, i32, i32);
P1(fd_pwrite) i32 w_fd_pwrite(i32, i32, i32, i64, i32);
P1(fd_read) i32 w_fd_read(i32, i32, i32, i32);
P1(fd_readdir) i32 w_fd_readdir(i32, i32, i32, i64, i32);
P1(fd_renumber) i32 w_fd_renumber(i32, i32);
P1(fd_seek) i32 w_fd_seek(i32, i64, i32, i32);
P1(fd_sync) i32 w_fd_sync(i32);
P1(fd_tell) i32 w_fd_tell(i32, i32);
P1(fd_write) i32 w_fd_write(i32, i32, i32, i32);
P1(path_create_directory) i32 w_path_create_directory(i32, i32, i32);
P1(path_filestat_get) i32 w_path_filestat_get(i32, i32, i32, i32, i32);
P1(path_filestat_set_times) i32 w_path_filestat_set_times(i32, i32, i32, i32, i64, i64, i32);
P1(path_link) i32 w_path_link(i32, i32, i32, i32, i32, i32, i32);
P1(path_open) i32 w_path_open(i32, i32, i32, i32, i32, i64, i64, i32, i32);
P1(path_readlink) i32 w_path_readlink(i32, i32, i32, i32, i32, i32);
P1(path_remove_directory) i32 w_path_remove_directory(i32, i32, i32);
P1(path_rename) i32 w_path_rename(i32, i32, i32, i32, i32, i32);
P1(path_symlink) i32 w_path_symlink(i32, i32, i32, i32, i32);
P1(path_unlink_file) i32 w_path_unlink_file(i32, i32, i32);
P1(sched_yield) i32 w_sched_yield(void);
P1(random_get) i32 w_random_get(i32, i32);
P1(sock_accept) i32 w_sock_accept(i32, i32, i32);
P1(sock_recv) i32 w_sock_recv(i32, i32, i32, i32, i32, i32);
P1(sock_send) i32 w_sock_send(i32, i32, i32, i32, i32);
P1(sock_shutdown) i32 w_sock_shutdown(i32, i32);
WX(sock_open) i32 x_sock_open(i32, i32, i32, i32);
WX(sock_bind) i32 x_sock_bind(i32, i32);
WX(sock_listen) i32 x_sock_listen(i32, i32);
WX(sock_connect) i32 x_sock_connect(i32, i32);
WX(sock_addr_local) i32 x_sock_addr_local(i32, i32);
WX(sock_addr_peer) i32 x_sock_addr_peer(i32, i32);
WX(sock_set_opt_flag) i32 x_sock_set_opt_flag(i32, i32, i32);
WX(resolve) i32 x_resolve(i32, i32, i32, i32, i32, i32);

static uint64_t state;
static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

static uint8_t scratch[4096];

/*
 * Before a call that may wait on a socket, the fuzzer makes that socket
 * non-blocking (asking its filetype first), whatever random calls did to its
 * flags: a random accept or recv must not wait forever.
 */
static void nonblocking_if_socket(i32 target) {
  uint8_t stat[24];
  if (w_fd_fdstat_get(target, (i32)(uintptr_t)stat) != 0) return;
  uint16_t flags = (uint16_t)(stat[2] | stat[3] << 8);
  if ((stat[0] == 5 || stat[0] == 6) && !(flags & 4)) w_fd_fdstat_set_flags(target, flags | 4);
}

/* A pointer: valid into scratch, random, or an edge. */
static i32 ptr(void) {
  switch (next() % 6) {
    case 0: case 1: case 2: return (i32)(uintptr_t)(scratch + next() % sizeof scratch);
    case 3: return (i32)next();
    case 4: return (i32)(__builtin_wasm_memory_size(0) * 65536 - next() % 64);
    default: return (i32[]){0, -1, 1, 0x7fffffff}[next() % 4];
  }
}
static i32 len(void) { return (next() % 4 == 0) ? (i32)next() : (i32)(next() % 64); }
static i32 fd(void) { return (next() % 8 == 0) ? (i32)next() : (i32)(next() % 12); }
static i32 small(void) { return (i32)(next() % 8 == 0 ? next() : next() % 16); }
static i64 wide(void) { return (next() % 2) ? (i64)next() : (i64)(next() % 4096); }

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: syscall_fuzz SEED CALLS\n"); return 2; }
  state = strtoull(argv[1], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
  long calls = atol(argv[2]);
  for (long i = 1; calls == 0 || i <= calls; i++) {
    if (next() % 16 == 0) for (size_t k = 0; k < sizeof scratch; k += 8) *(uint64_t *)(scratch + k) = next();
    switch (next() % 50) {
      case 0: w_args_get(ptr(), ptr()); break;
      case 1: w_args_sizes_get(ptr(), ptr()); break;
      case 2: w_environ_get(ptr(), ptr()); break;
      case 3: w_environ_sizes_get(ptr(), ptr()); break;
      case 4: w_clock_res_get(small(), ptr()); break;
      case 5: w_clock_time_get(small(), wide(), ptr()); break;
      case 6: w_fd_advise(fd(), wide(), wide(), small()); break;
      case 7: w_fd_allocate(fd(), wide(), wide() % (1 << 20)); break;
      case 8: if (next() % 4 == 0) w_fd_close(3 + fd()); break; /* keep stdio mostly */
      case 9: w_fd_datasync(fd()); break;
      case 10: w_fd_fdstat_get(fd(), ptr()); break;
      case 11: w_fd_fdstat_set_flags(fd(), small()); break;
      case 12: w_fd_fdstat_set_rights(fd(), wide(), wide()); break;
      case 13: w_fd_filestat_get(fd(), ptr()); break;
      case 14: w_fd_filestat_set_size(fd(), wide() % (1 << 20)); break;
      case 15: w_fd_filestat_set_times(fd(), wide(), wide(), small()); break;
      case 16: w_fd_pread(fd(), ptr(), len(), wide(), ptr()); break;
      case 17: w_fd_prestat_get(fd(), ptr()); break;
      case 18: w_fd_prestat_dir_name(fd(), ptr(), len()); break;
      case 19: w_fd_pwrite(fd() + 3, ptr(), len(), wide(), ptr()); break;
      case 20: { i32 f = fd(); nonblocking_if_socket(f); if (f != 0) w_fd_read(f, ptr(), len(), ptr()); break; }
      case 21: w_fd_readdir(fd(), ptr(), len(), wide(), ptr()); break;
      case 22: { i32 from = fd(), to = fd(); if (from > 2 && to > 2) w_fd_renumber(from, to); break; }
      case 23: w_fd_seek(fd(), wide(), small(), ptr()); break;
      case 24: w_fd_sync(fd()); break;
      case 25: w_fd_tell(fd(), ptr()); break;
      case 26: { i32 f = fd(); if (f > 2) w_fd_write(f, ptr(), len(), ptr()); break; } /* stdout stays readable */
      case 27: w_path_create_directory(fd(), ptr(), len()); break;
      case 28: w_path_filestat_get(fd(), small(), ptr(), len(), ptr()); break;
      case 29: w_path_filestat_set_times(fd(), small(), ptr(), len(), wide(), wide(), small()); break;
      case 30: w_path_link(fd(), small(), ptr(), len(), fd(), ptr(), len()); break;
      case 31: w_path_open(fd(), small(), ptr(), len(), small(), wide(), wide(), small(), ptr()); break;
      case 32: w_path_readlink(fd(), ptr(), len(), ptr(), len(), ptr()); break;
      case 33: w_path_remove_directory(fd(), ptr(), len()); break;
      case 34: w_path_rename(fd(), ptr(), len(), fd(), ptr(), len()); break;
      case 35: w_path_symlink(ptr(), len(), fd(), ptr(), len()); break;
      case 36: w_path_unlink_file(fd(), ptr(), len()); break;
      case 37: w_sched_yield(); break;
      case 38: w_random_get(ptr(), len()); break;
      case 39: { i32 f = fd(); nonblocking_if_socket(f); w_sock_accept(f, small(), ptr()); break; }
      case 40: { i32 f = fd(); nonblocking_if_socket(f); w_sock_recv(f, ptr(), len(), small(), ptr(), ptr()); break; }
      case 41: w_sock_send(fd(), ptr(), len(), small(), ptr()); break;
      case 42: w_sock_shutdown(fd(), small()); break;
      case 43: {
        i32 out = -1;
        x_sock_open(small() % 4, small() % 4, 0, (i32)(uintptr_t)&out);
        break;
      }
      case 44: x_sock_bind(fd(), ptr()); break;
      case 45: x_sock_listen(fd(), small()); break;
      case 46: x_sock_connect(fd(), ptr()); break;
      case 47: x_sock_addr_local(fd(), ptr()); break;
      case 48: x_sock_addr_peer(fd(), ptr()); break;
      default: if (next() % 2) x_sock_set_opt_flag(fd(), small(), small()); else x_resolve(ptr(), len(), small(), ptr(), small(), ptr()); break;
    }
    if (i % 1000 == 0) { printf("progress %ld\n", i); fflush(stdout); }
  }
  printf("survived %ld\n", calls);
  return 0;
}
