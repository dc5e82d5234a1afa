// Nanosecond timestamps round-trip exactly through set_times/filestat.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
int main(void) {
  int fd = open("ts", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  const __wasi_timestamp_t A = 1234567890123456789ull, M = 987654321012345678ull;
  CHECK_WASI(__wasi_path_filestat_set_times(ROOT_FD, 0, "ts", A, M, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  __wasi_filestat_t st;
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, 0, "ts", &st), 0);
  CHECK(st.atim == A);
  CHECK(st.mtim == M);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  // only mtim
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, M + 1, __WASI_FSTFLAGS_MTIM), 0);
  CHECK_WASI(__wasi_fd_filestat_get(fd, &st), 0);
  CHECK(st.atim == A);
  CHECK(st.mtim == M + 1);
  // NOW: close to the realtime clock
  __wasi_timestamp_t now;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), 0);
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW), 0);
  CHECK_WASI(__wasi_fd_filestat_get(fd, &st), 0);
  long long diff = (long long)(st.atim - now);
  CHECK(diff > -5000000000ll && diff < 5000000000ll);
  CHECK(st.mtim == M + 1);
  // both X and X_NOW → INVAL
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_path_filestat_set_times(ROOT_FD, 0, "ts", 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  // libc: utimensat / stat with timespec
  struct timespec ts[2] = {{1000, 1}, {2000, 999999999}};
  CHECK(utimensat(AT_FDCWD, "ts", ts, 0) == 0);
  struct stat s;
  CHECK(stat("ts", &s) == 0);
  CHECK_EQ(s.st_atim.tv_sec, 1000);
  CHECK_EQ(s.st_atim.tv_nsec, 1);
  CHECK_EQ(s.st_mtim.tv_sec, 2000);
  CHECK_EQ(s.st_mtim.tv_nsec, 999999999);
  // symlink: without SYMLINK_FOLLOW the link itself is changed
  CHECK(symlink("ts", "tslink") == 0);
  CHECK_WASI(__wasi_path_filestat_set_times(ROOT_FD, 0, "tslink", 5, 6, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, 0, "tslink", &st), 0);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK(st.mtim == 6);
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tslink", &st), 0);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK(st.mtim == 2000ull * 1000000000ull + 999999999ull);
  puts("ok");
  return 0;
}
