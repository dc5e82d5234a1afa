#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  int fd = open("target", O_CREAT | O_WRONLY, 0644);
  CHECK_EQ(write(fd, "T", 1), 1);
  close(fd);
  CHECK(symlink("target", "sym") == 0);
  CHECK_ERRNO(symlink("target", "sym"), EEXIST);
  char buf[64];
  ssize_t n = readlink("sym", buf, sizeof buf);
  CHECK_EQ(n, 6);
  CHECK(memcmp(buf, "target", 6) == 0);
  // truncation: returns the bytes written, no NUL
  memset(buf, 'x', sizeof buf);
  __wasi_size_t used;
  CHECK_WASI(__wasi_path_readlink(ROOT_FD, "sym", (uint8_t *)buf, 3, &used), 0);
  CHECK_EQ(used, 3);
  CHECK(memcmp(buf, "tarx", 4) == 0);
  CHECK_EQ(readlink("sym", buf, 2), 2);
  CHECK_ERRNO(readlink("target", buf, sizeof buf), EINVAL);
  CHECK_ERRNO(readlink("nothing", buf, sizeof buf), ENOENT);
  struct stat st;
  CHECK(lstat("sym", &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK_EQ(st.st_size, 6);
  CHECK(stat("sym", &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  // chains and directories
  CHECK(mkdir("sd", 0755) == 0);
  CHECK(symlink("../target", "sd/up") == 0);
  CHECK(symlink("sd", "sdl") == 0);
  fd = open("sdl/up", O_RDONLY);
  CHECK(fd >= 0);
  CHECK_EQ(read(fd, buf, 8), 1);
  // loops
  CHECK(symlink("loop2", "loop1") == 0);
  CHECK(symlink("loop1", "loop2") == 0);
  CHECK_ERRNO(open("loop1", O_RDONLY), ELOOP);
  CHECK_ERRNO(stat("loop1/x", &st), ELOOP);
  // a dangling symlink: lstat ok, stat ENOENT
  CHECK(symlink("nowhere", "dang") == 0);
  CHECK(lstat("dang", &st) == 0);
  CHECK_ERRNO(stat("dang", &st), ENOENT);
  // unlink removes the link, not the target
  CHECK(unlink("sym") == 0);
  CHECK(stat("target", &st) == 0);
  puts("ok");
  return 0;
}
