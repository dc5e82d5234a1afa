#include "check.h"
#include <time.h>
int main(void) {
  struct timespec ts, res;
  CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
  CHECK(ts.tv_sec > 1600000000);  // after 2020
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
  __wasi_timestamp_t a, b, r;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a), 0);
  for (int i = 0; i < 1000; i++) {
    CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &b), 0);
    CHECK(b >= a);
    a = b;
  }
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &a), 0);
  CHECK_WASI(__wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &r), 0);
  CHECK_WASI(__wasi_clock_time_get(99, 1, &a), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_clock_res_get(4, &r), __WASI_ERRNO_INVAL);
  puts("ok");
  return 0;
}
