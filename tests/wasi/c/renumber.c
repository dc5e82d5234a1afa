#include "check.h"
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int a = open("ra", O_CREAT | O_RDWR, 0644);
  int b = open("rb", O_CREAT | O_RDWR, 0644);
  CHECK_EQ(a, 4);
  CHECK_EQ(b, 5);
  CHECK_EQ(write(a, "A", 1), 1);
  CHECK_WASI(__wasi_fd_renumber(a, b), 0); // b now refers to ra, a is free
  CHECK_EQ(write(b, "B", 1), 1);
  char buf[4] = {0};
  CHECK_EQ(pread(b, buf, 4, 0), 2);
  CHECK_STR(buf, "AB");
  CHECK_ERRNO(write(a, "x", 1), EBADF);
  // lowest free number is reused first
  int c = open("rc", O_CREAT | O_RDWR, 0644);
  CHECK_EQ(c, 4);
  CHECK_WASI(__wasi_fd_renumber(99, c), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_renumber(c, c), 0);
  // renumber to a high unused number, then allocation still fills the holes
  CHECK_WASI(__wasi_fd_renumber(c, 20), 0);
  CHECK_EQ(write(20, "C", 1), 1);
  CHECK_EQ(open("rd", O_CREAT | O_RDWR, 0644), 4);
  CHECK_EQ(open("re", O_CREAT | O_RDWR, 0644), 6);
  CHECK(close(20) == 0);
  CHECK_ERRNO(close(20), EBADF);
  puts("ok");
  return 0;
}
