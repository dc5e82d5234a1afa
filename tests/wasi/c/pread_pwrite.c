#include "check.h"
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
int main(void) {
  int fd = open("pp", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "0123456789", 10), 10);
  char buf[16] = {0};
  CHECK_EQ(pread(fd, buf, 4, 3), 4);
  CHECK(memcmp(buf, "3456", 4) == 0);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10); // pread does not move the offset
  CHECK_EQ(pwrite(fd, "ab", 2, 1), 2);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
  CHECK_EQ(pread(fd, buf, 16, 0), 10);
  CHECK(memcmp(buf, "0ab3456789", 10) == 0);
  CHECK_EQ(pread(fd, buf, 4, 100), 0); // past EOF
  CHECK_EQ(pwrite(fd, "Z", 1, 12), 1); // gap is zero-filled
  CHECK_EQ(pread(fd, buf, 16, 9), 4);
  CHECK(memcmp(buf, "9\0\0Z", 4) == 0);
  // vectored
  struct iovec iov[2] = {{buf, 2}, {buf + 8, 3}};
  CHECK_EQ(preadv(fd, iov, 2, 0), 5);
  CHECK(memcmp(buf, "0a", 2) == 0 && memcmp(buf + 8, "b34", 3) == 0);
  // pread on stdin/stdout: ESPIPE
  CHECK_ERRNO(pread(1, buf, 1, 0), ESPIPE);
  close(fd);
  puts("ok");
  return 0;
}
