#include "check.h"
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fd = open("st", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "hello world", 11), 11);
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(lseek(fd, 6, SEEK_CUR), 6);
  char b[8] = {0};
  CHECK_EQ(read(fd, b, 5), 5);
  CHECK(memcmp(b, "world", 5) == 0);
  CHECK_EQ(lseek(fd, -5, SEEK_END), 6);
  CHECK_EQ(lseek(fd, 100, SEEK_SET), 100); // beyond EOF is fine
  CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
  CHECK_ERRNO(lseek(fd, -200, SEEK_CUR), EINVAL);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 100); // unchanged by the failures
  __wasi_filesize_t pos;
  CHECK_WASI(__wasi_fd_tell(fd, &pos), 0);
  CHECK_EQ(pos, 100);
  CHECK_WASI(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL); // bad whence
  CHECK_ERRNO(lseek(1, 0, SEEK_CUR), ESPIPE);
  int d = open(".", O_RDONLY | O_DIRECTORY);
  CHECK(d >= 0);
  CHECK_WASI(__wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_tell(99, &pos), __WASI_ERRNO_BADF);
  puts("ok");
  return 0;
}
