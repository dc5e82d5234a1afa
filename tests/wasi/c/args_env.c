#include "check.h"
#include <stdlib.h>
int main(int argc, char **argv) {
  CHECK_EQ(argc, 3);
  CHECK_STR(argv[0], "prog");
  CHECK_STR(argv[1], "héllo");
  CHECK_STR(argv[2], "");
  CHECK_STR(getenv("FOO"), "bar=baz");
  CHECK(getenv("EMPTY") != NULL);
  CHECK_STR(getenv("EMPTY"), "");
  CHECK(getenv("MISSING") == NULL);
  __wasi_size_t n, size;
  CHECK_WASI(__wasi_args_sizes_get(&n, &size), 0);
  CHECK_EQ(n, 3);
  CHECK_EQ(size, 5 + 7 + 1);
  puts("ok");
  return 0;
}
