#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  int fd = open("al", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "abc", 3), 3);
  CHECK_WASI(__wasi_fd_allocate(fd, 10, 90), 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 100);
  CHECK_WASI(__wasi_fd_allocate(fd, 0, 5), 0); // never shrinks
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 100);
  char b[4];
  CHECK_EQ(pread(fd, b, 4, 0), 4);
  CHECK(memcmp(b, "abc\0", 4) == 0);
  CHECK(posix_fallocate(fd, 0, 200) == 0);
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 200);
  // set_size grows and shrinks
  CHECK(ftruncate(fd, 2) == 0);
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, 2);
  CHECK_WASI(__wasi_fd_allocate(1, 0, 1), __WASI_ERRNO_BADF);
  int ro = open("al", O_RDONLY);
  CHECK_WASI(__wasi_fd_allocate(ro, 0, 1000), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL), 0);
  CHECK_WASI(__wasi_fd_advise(fd, 0, 10, 9), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_fd_datasync(fd), 0);
  CHECK_WASI(__wasi_fd_sync(fd), 0);
  puts("ok");
  return 0;
}
