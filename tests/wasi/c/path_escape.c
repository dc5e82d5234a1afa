// Capability confinement: nothing resolves outside the directory fd.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  CHECK(mkdir("box", 0755) == 0);
  CHECK(mkdir("box/in", 0755) == 0);
  CHECK(close(open("secret", O_CREAT | O_WRONLY, 0644)) == 0);
  CHECK(close(open("box/inside", O_CREAT | O_WRONLY, 0644)) == 0);
  __wasi_fd_t box;
  CHECK_WASI(__wasi_path_open(ROOT_FD, 0, "box", __WASI_OFLAGS_DIRECTORY, ~__WASI_RIGHTS_FD_WRITE, ~0ull, 0, &box), 0);
  __wasi_fd_t out;
  __wasi_filestat_t st;
  // .. above the fd
  CHECK_WASI(__wasi_path_open(box, 0, "../secret", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "..", &st), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "in/../../secret", &st), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, 0, "..", &st), __WASI_ERRNO_PERM);
  // .. that stays inside is fine
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "in/../inside", &st), 0);
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "./in/./..", &st), 0);
  // absolute paths
  CHECK_WASI(__wasi_path_open(box, 0, "/secret", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_create_directory(ROOT_FD, "/abs"), __WASI_ERRNO_PERM);
  // symlinks that escape or are absolute
  CHECK(symlink("../secret", "box/esc") == 0);
  CHECK(symlink("/secret", "box/abs") == 0);
  CHECK(symlink("in/..", "box/ok") == 0);
  CHECK_WASI(__wasi_path_open(box, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "esc", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_open(box, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "esc/x", &st), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(box, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ok/inside", &st), 0);
  // not following the last component never escapes
  CHECK_WASI(__wasi_path_filestat_get(box, 0, "esc", &st), 0);
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  // from the root preopen, the same escape symlink resolves (it stays inside "/")
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "box/esc", &st), 0);
  // NUL byte in a path (raw call with explicit length)
  __wasi_errno_t e = raw_path_create_directory(ROOT_FD, (int32_t)"a\0b", 3);
  CHECK(e == __WASI_ERRNO_INVAL || e == __WASI_ERRNO_ILSEQ);
  // invalid UTF-8
  e = raw_path_create_directory(ROOT_FD, (int32_t)"\xff\xfe", 2);
  CHECK_EQ(e, __WASI_ERRNO_ILSEQ);
  // empty path
  CHECK_WASI(__wasi_path_filestat_get(ROOT_FD, 0, "", &st), __WASI_ERRNO_NOENT);
  // libc: openat on a dir fd cannot climb out
  int bfd = open("box", O_RDONLY | O_DIRECTORY);
  CHECK_ERRNO(openat(bfd, "../secret", O_RDONLY), EPERM);
  puts("ok");
  return 0;
}
