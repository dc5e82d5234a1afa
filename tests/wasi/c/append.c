#include "check.h"
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fd = open("ap", O_CREAT | O_WRONLY, 0644);
  CHECK_EQ(write(fd, "abc", 3), 3);
  close(fd);
  fd = open("ap", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(fcntl(fd, F_GETFL) & O_APPEND);
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(write(fd, "de", 2), 2); // still at the end
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
  // pwrite writes at its offset (wasmtime)
  CHECK_EQ(pwrite(fd, "X", 1, 0), 1);
  // turn APPEND off with fcntl
  CHECK(fcntl(fd, F_SETFL, 0) == 0);
  CHECK(!(fcntl(fd, F_GETFL) & O_APPEND));
  CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
  CHECK_EQ(write(fd, "Y", 1), 1);
  close(fd);
  char buf[16] = {0};
  fd = open("ap", O_RDONLY);
  CHECK_EQ(read(fd, buf, sizeof buf), 5);
  CHECK_STR(buf, "XYcde");
  // sync fdflags cannot be set afterwards (wasmtime: INVAL)
  CHECK_WASI(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_INVAL);
  puts("ok");
  return 0;
}
