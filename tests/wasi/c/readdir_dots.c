#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  CHECK(mkdir("d", 0755) == 0);
  CHECK(close(open("d/a", O_CREAT | O_WRONLY, 0644)) == 0);
  CHECK(mkdir("d/sub", 0755) == 0);
  CHECK(symlink("a", "d/ln") == 0);
  struct stat st_d, st_root, st_a;
  CHECK(stat("d", &st_d) == 0);
  CHECK(stat(".", &st_root) == 0);
  CHECK(stat("d/a", &st_a) == 0);
  DIR *dir = opendir("d");
  CHECK(dir != NULL);
  struct dirent *e;
  int i = 0, seen = 0;
  while ((e = readdir(dir)) != NULL) {
    if (i == 0) { CHECK_STR(e->d_name, "."); CHECK_EQ(e->d_type, DT_DIR); CHECK_EQ(e->d_ino, st_d.st_ino); }
    if (i == 1) { CHECK_STR(e->d_name, ".."); CHECK_EQ(e->d_type, DT_DIR); CHECK_EQ(e->d_ino, st_root.st_ino); }
    if (strcmp(e->d_name, "a") == 0) { CHECK_EQ(e->d_type, DT_REG); CHECK_EQ(e->d_ino, st_a.st_ino); seen |= 1; }
    if (strcmp(e->d_name, "sub") == 0) { CHECK_EQ(e->d_type, DT_DIR); seen |= 2; }
    if (strcmp(e->d_name, "ln") == 0) { CHECK_EQ(e->d_type, DT_LNK); seen |= 4; }
    i++;
  }
  CHECK_EQ(i, 5);
  CHECK_EQ(seen, 7);
  // telldir/seekdir resume at a cookie
  rewinddir(dir);
  readdir(dir);
  long pos = telldir(dir);
  e = readdir(dir);
  CHECK_STR(e->d_name, "..");
  seekdir(dir, pos);
  e = readdir(dir);
  CHECK_STR(e->d_name, "..");
  closedir(dir);
  puts("ok");
  return 0;
}
