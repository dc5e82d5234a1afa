// proc_raise: ignored signals return; SIGTERM terminates the process (128+15).
#include "check.h"
int main(void) {
  CHECK_WASI(raw_proc_raise(WASI_SIGNAL_NONE), 0);
  CHECK_WASI(raw_proc_raise(WASI_SIGNAL_CHLD), 0);
  CHECK_WASI(raw_proc_raise(WASI_SIGNAL_WINCH), 0);
  CHECK_WASI(raw_proc_raise(200), __WASI_ERRNO_INVAL);
  printf("raising\n");
  fflush(stdout);
  raw_proc_raise(WASI_SIGNAL_TERM);
  puts("not reached");
  return 0;
}
