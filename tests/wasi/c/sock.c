// No sockets exist: NOTSOCK for other fds, BADF for closed ones.
#include "check.h"
int main(void) {
  __wasi_fd_t fd;
  __wasi_size_t n;
  __wasi_roflags_t ro;
  char buf[4];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)buf, sizeof buf};
  CHECK_WASI(__wasi_sock_accept(1, 0, &fd), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_accept(ROOT_FD, 0, &fd), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_accept(99, 0, &fd), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_recv(0, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_recv(99, &iov, 1, 0, &n, &ro), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_send(99, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  CHECK_WASI(__wasi_sock_shutdown(99, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  puts("ok");
  return 0;
}
