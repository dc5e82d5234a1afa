#include "check.h"
#include <sched.h>
int main(void) {
  for (int i = 0; i < 10; i++) CHECK(sched_yield() == 0);
  CHECK_WASI(__wasi_sched_yield(), 0);
  puts("ok");
  return 0;
}
