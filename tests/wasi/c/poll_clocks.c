#include "check.h"
#include <time.h>
static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), 0);
  return t;
}
static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout, int abstime) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}
int main(void) {
  __wasi_subscription_t subs[4];
  __wasi_event_t ev[4];
  __wasi_size_t n;
  // an absolute deadline in the past fires at once; the far one does not
  __wasi_timestamp_t now;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), 0);
  subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0);
  subs[1] = clock_sub(2, __WASI_CLOCKID_REALTIME, now - 1000, 1);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 2);
  CHECK_EQ(ev[0].type, __WASI_EVENTTYPE_CLOCK);
  CHECK_EQ(ev[0].error, 0);
  // the earliest of several relative clocks wakes us, after its timeout
  __wasi_timestamp_t t0 = mono();
  subs[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0);
  subs[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 20000000ull, 0);
  subs[2] = clock_sub(12, __WASI_CLOCKID_REALTIME, 5000000000ull, 0);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 3, &n), 0);
  __wasi_timestamp_t t1 = mono();
  CHECK_EQ(n, 1);
  CHECK_EQ(ev[0].userdata, 11);
  CHECK(t1 - t0 >= 20000000ull);
  CHECK(t1 - t0 < 3000000000ull);
  // absolute monotonic deadline
  t0 = mono();
  subs[0] = clock_sub(20, __WASI_CLOCKID_MONOTONIC, t0 + 15000000ull, 1);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 1, &n), 0);
  CHECK_EQ(n, 1);
  CHECK(mono() >= t0 + 15000000ull);
  // two clocks that have both expired are both reported
  subs[0] = clock_sub(30, __WASI_CLOCKID_MONOTONIC, 0, 0);
  subs[1] = clock_sub(31, __WASI_CLOCKID_MONOTONIC, 0, 0);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK_EQ(n, 2);
  CHECK_EQ(ev[0].userdata + ev[1].userdata, 61);
  // fd readiness: stdout writable, stdin (runner gives "hello") readable with nbytes
  memset(subs, 0, sizeof subs);
  subs[0] = clock_sub(40, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0);
  subs[1].userdata = 41; subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE; subs[1].u.u.fd_write.file_descriptor = 1;
  subs[2].userdata = 42; subs[2].u.tag = __WASI_EVENTTYPE_FD_READ; subs[2].u.u.fd_read.file_descriptor = 0;
  subs[3].userdata = 43; subs[3].u.tag = __WASI_EVENTTYPE_FD_READ; subs[3].u.u.fd_read.file_descriptor = 77;
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 4, &n), 0);
  CHECK_EQ(n, 3);
  int seen = 0;
  for (__wasi_size_t i = 0; i < n; i++) {
    if (ev[i].userdata == 41) { CHECK_EQ(ev[i].error, 0); CHECK_EQ(ev[i].type, __WASI_EVENTTYPE_FD_WRITE); seen |= 1; }
    if (ev[i].userdata == 42) { CHECK_EQ(ev[i].error, 0); CHECK_EQ(ev[i].fd_readwrite.nbytes, 5); seen |= 2; }
    if (ev[i].userdata == 43) { CHECK_EQ(ev[i].error, __WASI_ERRNO_BADF); seen |= 4; }
  }
  CHECK_EQ(seen, 7);
  // nsubscriptions == 0 and unknown clocks are INVAL
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 0, &n), __WASI_ERRNO_INVAL);
  subs[0] = clock_sub(50, 99, 0, 0);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 1, &n), __WASI_ERRNO_INVAL);
  // libc sleeps go through poll_oneoff
  t0 = mono();
  struct timespec ts = {0, 10000000};
  CHECK(nanosleep(&ts, NULL) == 0);
  CHECK(mono() - t0 >= 10000000ull);
  puts("ok");
  return 0;
}
