#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  int fd = open("orig", O_CREAT | O_WRONLY, 0644);
  CHECK_EQ(write(fd, "L", 1), 1);
  close(fd);
  CHECK(link("orig", "hard") == 0);
  struct stat a, b;
  CHECK(stat("orig", &a) == 0);
  CHECK(stat("hard", &b) == 0);
  CHECK_EQ(a.st_ino, b.st_ino);
  CHECK_EQ(a.st_nlink, 2);
  CHECK_ERRNO(link("orig", "hard"), EEXIST);
  CHECK_ERRNO(link("nothing", "x"), ENOENT);
  CHECK(mkdir("ld", 0755) == 0);
  CHECK_ERRNO(link("ld", "ld2"), EPERM);
  CHECK(unlink("orig") == 0);
  CHECK(stat("hard", &b) == 0);
  CHECK_EQ(b.st_nlink, 1);
  // link to a symlink: without SYMLINK_FOLLOW the link itself is linked
  CHECK(symlink("hard", "sl") == 0);
  CHECK_WASI(__wasi_path_link(ROOT_FD, 0, "sl", ROOT_FD, "sl2"), 0);
  CHECK(lstat("sl2", &a) == 0);
  CHECK(S_ISLNK(a.st_mode));
  CHECK_WASI(__wasi_path_link(ROOT_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sl", ROOT_FD, "hard3"), 0);
  CHECK(lstat("hard3", &a) == 0);
  CHECK(S_ISREG(a.st_mode));
  CHECK_EQ(a.st_ino, b.st_ino);
  puts("ok");
  return 0;
}
