#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  CHECK(mkdir("m", 0755) == 0);
  CHECK_ERRNO(mkdir("m", 0755), EEXIST);
  CHECK(mkdir("m/n/", 0755) == 0);  // trailing slash is fine for mkdir
  CHECK_ERRNO(mkdir("x/y", 0755), ENOENT);
  CHECK(close(open("m/f", O_CREAT | O_WRONLY, 0644)) == 0);
  CHECK_ERRNO(mkdir("m/f", 0755), EEXIST);
  CHECK_ERRNO(mkdir("m/f/g", 0755), ENOTDIR);
  struct stat st;
  CHECK(stat("m/n", &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  CHECK_ERRNO(rmdir("m"), ENOTEMPTY);
  CHECK_ERRNO(rmdir("m/f"), ENOTDIR);
  CHECK_ERRNO(rmdir("m/zz"), ENOENT);
  CHECK(rmdir("m/n") == 0);
  CHECK_ERRNO(stat("m/n", &st), ENOENT);
  CHECK(unlink("m/f") == 0);
  CHECK(rmdir("m") == 0);
  CHECK_WASI(__wasi_path_create_directory(ROOT_FD, "."), __WASI_ERRNO_EXIST);
  CHECK_WASI(__wasi_path_remove_directory(ROOT_FD, "."), __WASI_ERRNO_INVAL);
  puts("ok");
  return 0;
}
