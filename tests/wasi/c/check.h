// Assertion helpers for the conformance programs: print what failed and exit 1.
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define CHECK(cond) do { if (!(cond)) { \
  fprintf(stderr, "%s:%d: CHECK failed: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, errno, strerror(errno)); \
  exit(1); } } while (0)

#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
  fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); \
  exit(1); } } while (0)

#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); if (strcmp(_a, _b) != 0) { \
  fprintf(stderr, "%s:%d: CHECK_STR failed: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, _a, _b); \
  exit(1); } } while (0)

/** A libc call that must fail with errno E. */
#define CHECK_ERRNO(call, E) do { errno = 0; long long _r = (long long)(call); if (_r != -1 || errno != (E)) { \
  fprintf(stderr, "%s:%d: %s returned %lld errno %d (%s), expected -1 errno %d (%s)\n", __FILE__, __LINE__, #call, \
    _r, errno, strerror(errno), (E), strerror(E)); exit(1); } } while (0)

/** A raw __wasi_* call that must return errno E. */
#define CHECK_WASI(call, E) do { __wasi_errno_t _e = (call); if (_e != (E)) { \
  fprintf(stderr, "%s:%d: %s returned wasi errno %d, expected %d\n", __FILE__, __LINE__, #call, _e, (E)); \
  exit(1); } } while (0)

/** The preopen fd of "/" (the conformance runner preopens it first: fd 3). */
#define ROOT_FD 3

// Raw imports with every argument as the ABI passes it, to hand the host
// arbitrary pointers and lengths (wasi/api.h's wrappers compute strlen etc.).
#define WASI_IMPORT(name) __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__(#name)))
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len) WASI_IMPORT(path_create_directory);
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t buf) WASI_IMPORT(path_filestat_get);
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags, int64_t base,
                      int64_t inheriting, int32_t fdflags, int32_t fd_out) WASI_IMPORT(path_open);
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten) WASI_IMPORT(fd_write);
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread) WASI_IMPORT(fd_read);
int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out) WASI_IMPORT(clock_time_get);
int32_t raw_args_sizes_get(int32_t argc, int32_t size) WASI_IMPORT(args_sizes_get);
int32_t raw_args_get(int32_t argv, int32_t buf) WASI_IMPORT(args_get);
int32_t raw_fd_fdstat_get(int32_t fd, int32_t out) WASI_IMPORT(fd_fdstat_get);
int32_t raw_random_get(int32_t buf, int32_t len) WASI_IMPORT(random_get);
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nevents) WASI_IMPORT(poll_oneoff);
int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len) WASI_IMPORT(fd_prestat_dir_name);
int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t used) WASI_IMPORT(fd_readdir);
int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len, int32_t used) WASI_IMPORT(path_readlink);
// proc_raise is no longer declared by wasi-libc's headers; signal numbers from the witx.
int32_t raw_proc_raise(int32_t sig) WASI_IMPORT(proc_raise);
#define WASI_SIGNAL_NONE 0
#define WASI_SIGNAL_TERM 15
#define WASI_SIGNAL_CHLD 16
#define WASI_SIGNAL_WINCH 27
