#include "check.h"
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fd = open("r", O_CREAT | O_WRONLY, 0644);
  CHECK_EQ(write(fd, "data", 4), 4);
  close(fd);
  fd = open("r", O_RDONLY);
  CHECK(fd >= 0);
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(fd, &st), 0);
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK(!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK(!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN)); // directory rights never reach a file
  __wasi_ciovec_t x = {(const uint8_t *)"x", 1};
  __wasi_size_t nw;
  CHECK_WASI(__wasi_fd_write(fd, &x, 1, &nw), __WASI_ERRNO_NOTCAPABLE);
  CHECK_ERRNO(write(fd, "x", 1), EBADF);  // wasi-libc reports a missing FD_WRITE as POSIX's EBADF
  // narrowing works, widening does not
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, 0), 0);
  char b[4];
  __wasi_iovec_t rv = {(uint8_t *)b, 4};
  CHECK_WASI(__wasi_fd_read(fd, &rv, 1, &nw), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base, 0), __WASI_ERRNO_NOTCAPABLE);
  // a directory fd whose PATH_OPEN right was dropped cannot open
  int d = open(".", O_RDONLY | O_DIRECTORY);
  __wasi_fdstat_t ds;
  CHECK_WASI(__wasi_fd_fdstat_get(d, &ds), 0);
  CHECK_EQ(ds.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  CHECK(ds.fs_rights_base & __WASI_RIGHTS_PATH_OPEN);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(d, ds.fs_rights_base & ~(__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_DIRECTORY), ds.fs_rights_inheriting), 0);
  __wasi_fd_t out;
  CHECK_WASI(__wasi_path_open(d, 0, "r", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_path_create_directory(d, "nope"), __WASI_ERRNO_NOTCAPABLE);
  // inheriting rights cap what is opened beneath
  int d2 = open(".", O_RDONLY | O_DIRECTORY);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(d2, ds.fs_rights_base, ds.fs_rights_inheriting & ~__WASI_RIGHTS_FD_WRITE), 0);
  CHECK_WASI(__wasi_path_open(d2, 0, "r", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &out), 0);
  __wasi_fdstat_t fs2;
  CHECK_WASI(__wasi_fd_fdstat_get(out, &fs2), 0);
  CHECK(fs2.fs_rights_base & __WASI_RIGHTS_FD_READ);
  CHECK(!(fs2.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  // stdio: stdout is writable, not seekable, not a tty here
  __wasi_fdstat_t so;
  CHECK_WASI(__wasi_fd_fdstat_get(1, &so), 0);
  CHECK(so.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  CHECK(!(so.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)));
  CHECK_EQ(so.fs_filetype, __WASI_FILETYPE_UNKNOWN);
  CHECK(!isatty(1));
  puts("ok");
  return 0;
}
