// Out-of-bounds pointers give FAULT (never a host exception).
#include "check.h"
#define BAD ((int32_t)0xFFFFFFF0)
int main(void) {
  CHECK_EQ(raw_fd_write(1, BAD, 1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_fd_write(1, BAD, 0x7fffffff, BAD), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t iov = {(const uint8_t *)BAD, 64};
  __wasi_size_t n;
  CHECK_EQ(raw_fd_write(1, (int32_t)&iov, 1, (int32_t)&n), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_fd_read(0, BAD, 1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_args_sizes_get(BAD, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_args_get(BAD, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_fd_fdstat_get(1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_random_get(BAD, 64), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_random_get(16, -1), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_poll_oneoff(BAD, BAD, 1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_path_open(ROOT_FD, 0, BAD, 10, 0, 0, 0, 0, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_path_filestat_get(ROOT_FD, 0, (int32_t)".", 1, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_path_create_directory(ROOT_FD, (int32_t)"ok", -1), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_fd_prestat_dir_name(ROOT_FD, BAD, 100), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_fd_readdir(ROOT_FD, BAD, 1000, 0, BAD), __WASI_ERRNO_FAULT);
  CHECK_EQ(raw_path_readlink(ROOT_FD, BAD, 4, 0, 0, 0), __WASI_ERRNO_FAULT);
  // nothing was created by the failed calls
  __wasi_filestat_t st;
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, 0, "ok", &st), __WASI_ERRNO_NOENT);
  puts("ok");
  return 0;
}
