// Reads stdin to EOF (blocking reads through the waiter) and echoes it upper-cased.
#include "check.h"
#include <ctype.h>
#include <unistd.h>
int main(void) {
  char buf[7];
  ssize_t n;
  size_t total = 0;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
    CHECK_EQ(write(1, buf, n), n);
    total += n;
  }
  CHECK_EQ(n, 0);
  fprintf(stderr, "%zu bytes\n", total);
  return 0;
}
