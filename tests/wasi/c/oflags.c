#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  CHECK_ERRNO(open("of", O_RDONLY), ENOENT);
  int fd = open("of", O_CREAT | O_WRONLY, 0644);  // CREAT
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "12345", 5), 5);
  close(fd);
  CHECK_ERRNO(open("of", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);  // EXCL
  fd = open("of", O_CREAT | O_WRONLY, 0644);  // CREAT on an existing file keeps it
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 5);
  close(fd);
  fd = open("of", O_WRONLY | O_TRUNC);  // TRUNC
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 0);
  close(fd);
  CHECK_ERRNO(open("of", O_RDONLY | O_DIRECTORY), ENOTDIR);  // DIRECTORY on a file
  CHECK(mkdir("od", 0755) == 0);
  fd = open("od", O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  close(fd);
  fd = open("od", O_RDONLY);  // a directory can be opened read-only without O_DIRECTORY
  CHECK(fd >= 0);
  close(fd);
  CHECK_ERRNO(open("od", O_WRONLY), EISDIR);
  CHECK_ERRNO(open("od", O_RDWR), EISDIR);
  CHECK_ERRNO(open("od/", O_CREAT | O_WRONLY, 0644), EISDIR);
  CHECK_ERRNO(open("of/", O_RDONLY), ENOTDIR);  // trailing slash on a file
  CHECK_ERRNO(open("missing/x", O_CREAT | O_WRONLY, 0644), ENOENT);
  CHECK_ERRNO(open("of/x", O_CREAT | O_WRONLY, 0644), ENOTDIR);
  __wasi_fd_t out;
  CHECK_WASI(__wasi_path_open(ROOT_FD, 0, "new", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &out), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_path_open(ROOT_FD, 0, "od", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_ISDIR);
  // fdflags are kept and reported
  CHECK_WASI(__wasi_path_open(ROOT_FD, 0, "of", 0, __WASI_RIGHTS_FD_WRITE, 0,
      __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC, &out), 0);
  __wasi_fdstat_t fs;
  CHECK_WASI(__wasi_fd_fdstat_get(out, &fs), 0);
  CHECK_EQ(fs.fs_flags, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_SYNC);
  // symlinks: NOFOLLOW on a symlink → ELOOP, follow opens the target
  CHECK(symlink("of", "ol") == 0);
  CHECK_WASI(__wasi_path_open(ROOT_FD, 0, "ol", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_LOOP);
  CHECK_WASI(__wasi_path_open(ROOT_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ol", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), 0);
  CHECK_ERRNO(open("ol", O_RDONLY | O_NOFOLLOW), ELOOP);
  // CREAT through a dangling symlink creates its target
  CHECK(symlink("created-via-link", "dangling") == 0);
  fd = open("dangling", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0);
  close(fd);
  CHECK(access("created-via-link", F_OK) == 0);
  puts("ok");
  return 0;
}
