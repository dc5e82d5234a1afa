#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
static void put(const char *p, const char *s) {
  int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, s, strlen(s)), (long long)strlen(s));
  close(fd);
}
static void expect(const char *p, const char *s) {
  char buf[64] = {0};
  int fd = open(p, O_RDONLY);
  CHECK(fd >= 0);
  read(fd, buf, sizeof buf - 1);
  close(fd);
  CHECK_STR(buf, s);
}
int main(void) {
  put("a", "A");
  struct stat before, after;
  CHECK(stat("a", &before) == 0);
  CHECK(rename("a", "b") == 0);
  CHECK_ERRNO(stat("a", &after), ENOENT);
  CHECK(stat("b", &after) == 0);
  CHECK_EQ(after.st_ino, before.st_ino);  // same node
  put("c", "C");
  CHECK(rename("b", "c") == 0);  // replaces a file
  expect("c", "A");
  CHECK(mkdir("d1", 0755) == 0);
  CHECK(mkdir("d2", 0755) == 0);
  put("d1/f", "F");
  int open_fd = open("d1", O_RDONLY | O_DIRECTORY);
  CHECK(rename("d1", "d3") == 0);  // directory onto nothing
  expect("d3/f", "F");
  // the open handle follows the directory
  int f = openat(open_fd, "f", O_RDONLY);
  CHECK(f >= 0);
  CHECK(rename("d3", "d2") == 0);  // directory onto an empty directory
  expect("d2/f", "F");
  CHECK(mkdir("d4", 0755) == 0);
  CHECK_ERRNO(rename("d4", "d2"), ENOTEMPTY);
  CHECK_ERRNO(rename("c", "d4"), EISDIR);
  CHECK_ERRNO(rename("d4", "c"), ENOTDIR);
  CHECK_ERRNO(rename("d4", "d4/sub"), EINVAL);
  CHECK_ERRNO(rename("missing", "x"), ENOENT);
  CHECK(rename("c", "d4/moved") == 0);
  expect("d4/moved", "A");
  CHECK(rename("d4/moved", "d4/moved") == 0);  // same entry: no-op
  CHECK_ERRNO(rename("d4/moved/", "x"), ENOTDIR);
  puts("ok");
  return 0;
}
