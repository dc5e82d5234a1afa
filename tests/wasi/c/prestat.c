#include "check.h"
int main(void) {
  __wasi_prestat_t p;
  CHECK_WASI(__wasi_fd_prestat_get(3, &p), 0);
  CHECK_EQ(p.tag, __WASI_PREOPENTYPE_DIR);
  CHECK_EQ(p.u.dir.pr_name_len, 1);
  char name[8] = {0};
  CHECK_WASI(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 1), 0);
  CHECK_STR(name, "/");
  CHECK_WASI(__wasi_fd_prestat_get(4, &p), 0);
  CHECK_EQ(p.u.dir.pr_name_len, 4);
  memset(name, 0, sizeof name);
  CHECK_WASI(__wasi_fd_prestat_dir_name(4, (uint8_t *)name, 3), __WASI_ERRNO_NAMETOOLONG);
  CHECK_WASI(__wasi_fd_prestat_dir_name(4, (uint8_t *)name, 8), 0);
  CHECK_STR(name, "/tmp");
  CHECK_WASI(__wasi_fd_prestat_get(0, &p), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(5, &p), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(1000, &p), __WASI_ERRNO_BADF);
  // libc maps absolute paths onto the longest matching preopen
  FILE *f = fopen("/tmp/x", "w");
  CHECK(f != NULL);
  fputs("tmpfile", f);
  fclose(f);
  __wasi_filestat_t st;
  CHECK_WASI(__wasi_path_filestat_get(4, 0, "x", &st), 0);
  CHECK_EQ(st.size, 7);
  puts("ok");
  return 0;
}
