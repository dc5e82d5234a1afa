#include "check.h"
#include <unistd.h>
static unsigned char big[100000];
int main(void) {
  unsigned char buf[256] = {0};
  CHECK(getentropy(buf, sizeof buf) == 0);
  int nonzero = 0;
  for (int i = 0; i < 256; i++) nonzero += buf[i] != 0;
  CHECK(nonzero > 200);
  CHECK_WASI(__wasi_random_get(big, sizeof big), 0);
  int tail = 0;
  for (int i = sizeof big - 1000; i < (int)sizeof big; i++) tail += big[i] != 0;
  CHECK(tail > 900);  // beyond the 64 KiB getRandomValues limit too
  CHECK_WASI(__wasi_random_get(buf, 0), 0);
  puts("ok");
  return 0;
}
