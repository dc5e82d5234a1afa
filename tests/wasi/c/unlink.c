#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  int fd = open("u", O_CREAT | O_RDWR, 0644);
  CHECK_EQ(write(fd, "still here", 10), 10);
  CHECK(unlink("u") == 0);
  struct stat st;
  CHECK_ERRNO(stat("u", &st), ENOENT);
  char buf[16] = {0};
  CHECK_EQ(pread(fd, buf, 16, 0), 10);  // the open file lives on
  CHECK_STR(buf, "still here");
  CHECK_ERRNO(unlink("u"), ENOENT);
  CHECK(mkdir("ud", 0755) == 0);
  CHECK_WASI(__wasi_path_unlink_file(ROOT_FD, "ud"), __WASI_ERRNO_ISDIR);
  CHECK(close(open("uf", O_CREAT | O_WRONLY, 0644)) == 0);
  CHECK_ERRNO(unlink("uf/"), ENOTDIR);
  CHECK(unlink("uf") == 0);
  puts("ok");
  return 0;
}
