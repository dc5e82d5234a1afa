// fd_readdir fills the buffer exactly: the last entry is cut and bufused == buf_len.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  CHECK(mkdir("t", 0755) == 0);
  CHECK(close(open("t/a-long-file-name", O_CREAT | O_WRONLY, 0644)) == 0);
  int fd = open("t", O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  uint8_t buf[256];
  __wasi_size_t used;
  // Everything: ".", "..", "a-long-file-name" = 24+1 + 24+2 + 24+16
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used), 0);
  CHECK_EQ(used, 24 + 1 + 24 + 2 + 24 + 16);
  __wasi_dirent_t d;
  memcpy(&d, buf, sizeof d);
  CHECK_EQ(d.d_next, 1);
  CHECK_EQ(d.d_namlen, 1);
  CHECK_EQ(d.d_type, __WASI_FILETYPE_DIRECTORY);
  CHECK_EQ(buf[24], '.');
  memcpy(&d, buf + 25, sizeof d);
  CHECK_EQ(d.d_next, 2);
  CHECK_EQ(d.d_namlen, 2);
  // Cut in the middle of the third name.
  memset(buf, 0xAA, sizeof buf);
  CHECK_WASI(__wasi_fd_readdir(fd, buf, 24 + 1 + 24 + 2 + 24 + 5, 0, &used), 0);
  CHECK_EQ(used, 24 + 1 + 24 + 2 + 24 + 5);
  CHECK(memcmp(buf + 24 + 1 + 24 + 2 + 24, "a-lon", 5) == 0);
  CHECK_EQ(buf[24 + 1 + 24 + 2 + 24 + 5], 0xAA);
  // Cut in the middle of a header.
  CHECK_WASI(__wasi_fd_readdir(fd, buf, 10, 0, &used), 0);
  CHECK_EQ(used, 10);
  // Resume from cookie 2: only the file.
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 2, &used), 0);
  CHECK_EQ(used, 24 + 16);
  memcpy(&d, buf, sizeof d);
  CHECK_EQ(d.d_next, 3);
  CHECK_EQ(d.d_type, __WASI_FILETYPE_REGULAR_FILE);
  // Past the end: nothing.
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 3, &used), 0);
  CHECK_EQ(used, 0);
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 1000, &used), 0);
  CHECK_EQ(used, 0);
  // readdir on a file fd
  int f = open("t/a-long-file-name", O_RDONLY);
  CHECK(f >= 0);
  __wasi_errno_t e = __wasi_fd_readdir(f, buf, sizeof buf, 0, &used);
  CHECK(e == __WASI_ERRNO_NOTDIR || e == __WASI_ERRNO_NOTCAPABLE);
  puts("ok");
  return 0;
}
