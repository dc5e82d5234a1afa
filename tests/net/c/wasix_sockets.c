/*
 * wasix_sockets: conformance checks of the WASIX socket calls (import
 * module wasix_32v1) and of the preview1 calls that work on sockets, all
 * inside one container over its loopback (127.0.0.1).
 *
 *   wasix_sockets [PORT]     PORT: the first port to use (default 4100; PORT+1 too)
 *
 * Prints one line per check, "ok   NAME" or "FAIL NAME: what happened",
 * then "N checks, M failed". Exit status: 0 if every check passed, 1 if
 * any failed, 2 if the program could not even open a socket.
 * Built by tests/net/images.test.ts with images/include/flotilla_net.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

#include <flotilla_net.h>

static int checks, failures;

static void report(int ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(int ok, const char *name, const char *fmt, ...) {
  checks++;
  if (ok) {
    printf("ok   %s\n", name);
  } else {
    failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
  }
  fflush(stdout);
}

/* A WASIX call that must return `want` (0 = success). */
static int expect_errno(const char *name, int32_t got, int32_t want) {
  report(got == want, name, "returned errno %d (%s), expected %d (%s)", got, strerror(got), want, strerror(want));
  return got == want;
}

/* A libc call that must fail with errno `want`. */
static void expect_fail(const char *name, long rc, int want) {
  report(rc == -1 && errno == want, name, "returned %ld errno %d (%s), expected -1 errno %d (%s)", rc, errno,
         strerror(errno), want, strerror(want));
}

static wasix_addr_port loopback(int port) {
  wasix_addr_port a = { .tag = WASIX_AF_INET4, .port = (uint16_t)port, .addr = {127, 0, 0, 1} };
  return a;
}

static int open_stream(void) {
  int32_t fd = -1;
  int32_t err = wasix_sock_open(WASIX_AF_INET4, WASIX_SOCK_STREAM, 0, &fd);
  return err ? -1 : fd;
}

static short poll_one(int fd, short events, int timeout_ms) {
  struct pollfd p = { .fd = fd, .events = events };
  int n = poll(&p, 1, timeout_ms);
  return n > 0 ? p.revents : 0;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 4100;

  /* sock_open, options */
  int32_t lfd = -1;
  if (!expect_errno("sock_open inet4 stream", wasix_sock_open(WASIX_AF_INET4, WASIX_SOCK_STREAM, 0, &lfd), 0)) {
    printf("%d checks, %d failed\n", checks, failures);
    return 2;
  }
  expect_errno("sock_set_opt_flag ReuseAddr", wasix_sock_set_opt_flag(lfd, WASIX_OPT_REUSE_ADDR, 1), 0);
  uint8_t flag = 0;
  expect_errno("sock_get_opt_flag ReuseAddr", wasix_sock_get_opt_flag(lfd, WASIX_OPT_REUSE_ADDR, &flag), 0);
  report(flag == 1, "ReuseAddr reads back 1", "read %u", flag);
  expect_errno("sock_set_opt_flag NoDelay", wasix_sock_set_opt_flag(lfd, WASIX_OPT_NO_DELAY, 1), 0);
  expect_errno("sock_set_opt_flag KeepAlive", wasix_sock_set_opt_flag(lfd, WASIX_OPT_KEEP_ALIVE, 1), 0);
  __wasi_fdstat_t st;
  report(__wasi_fd_fdstat_get(lfd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM,
         "fd_fdstat_get says socket_stream", "filetype %d", st.fs_filetype);

  /* bind, listen, addr_local */
  wasix_addr_port any = { .tag = WASIX_AF_INET4, .port = (uint16_t)port };
  expect_errno("sock_bind 0.0.0.0:PORT", wasix_sock_bind(lfd, &any), 0);
  expect_errno("sock_listen", wasix_sock_listen(lfd, 8), 0);
  wasix_addr_port local;
  memset(&local, 0xff, sizeof local);
  expect_errno("sock_addr_local", wasix_sock_addr_local(lfd, &local), 0);
  report(local.tag == WASIX_AF_INET4 && local.zero == 0 && local.port == port, "sock_addr_local is inet4 with the port",
         "tag %u, byte 1 %u, port %u", local.tag, local.zero, local.port);
  int other = open_stream();
  expect_errno("sock_bind to a port in use: ADDRINUSE", wasix_sock_bind(other, &any), __WASI_ERRNO_ADDRINUSE);
  close(other);

  /* a non-blocking listener without pending connections */
  report(fl_set_nonblocking(lfd, 1) == 0, "fcntl O_NONBLOCK on a listener", "%s", strerror(errno));
  int32_t cfd = -1;
  wasix_addr_port peer;
  expect_errno("sock_accept_v2 with nothing pending: AGAIN", wasix_sock_accept_v2(lfd, 0, &cfd, &peer), __WASI_ERRNO_AGAIN);
  report(poll_one(lfd, POLLIN, 0) == 0, "poll: an idle listener is not readable", "it was");

  /* connect and accept */
  int client = open_stream();
  wasix_addr_port to = loopback(port);
  expect_errno("sock_connect 127.0.0.1:PORT", wasix_sock_connect(client, &to), 0);
  expect_errno("sock_connect again: ISCONN", wasix_sock_connect(client, &to), __WASI_ERRNO_ISCONN);
  report(poll_one(lfd, POLLIN, 1000) & POLLIN, "poll: a listener with a pending connection is readable", "it was not");
  memset(&peer, 0xff, sizeof peer);
  int32_t server = -1;
  expect_errno("sock_accept_v2", wasix_sock_accept_v2(lfd, 0, &server, &peer), 0);
  wasix_addr_port client_local;
  memset(&client_local, 0, sizeof client_local);
  expect_errno("sock_addr_local of the client", wasix_sock_addr_local(client, &client_local), 0);
  report(peer.tag == WASIX_AF_INET4 && peer.port == client_local.port && client_local.port != 0,
         "sock_accept_v2's peer is the client's local address", "peer tag %u port %u, client port %u", peer.tag,
         peer.port, client_local.port);
  wasix_addr_port remote;
  memset(&remote, 0, sizeof remote);
  expect_errno("sock_addr_peer of the client", wasix_sock_addr_peer(client, &remote), 0);
  report(remote.tag == WASIX_AF_INET4 && remote.port == port && memcmp(remote.addr, "\x7f\0\0\x01", 4) == 0,
         "sock_addr_peer is 127.0.0.1:PORT", "tag %u %u.%u.%u.%u:%u", remote.tag, remote.addr[0], remote.addr[1],
         remote.addr[2], remote.addr[3], remote.port);
  int lone = open_stream();
  expect_errno("sock_addr_peer unconnected: NOTCONN", wasix_sock_addr_peer(lone, &remote), __WASI_ERRNO_NOTCONN);
  close(lone);

  /* data both ways: sock_send/sock_recv (send/recv) and fd_write/fd_read (write/read) */
  char buf[64];
  report(send(client, "ping", 4, 0) == 4, "send (sock_send)", "%s", strerror(errno));
  ssize_t n = recv(server, buf, sizeof buf, 0);
  report(n == 4 && memcmp(buf, "ping", 4) == 0, "recv (sock_recv) gets what was sent", "got %zd bytes", n);
  report(write(server, "pong", 4) == 4, "write (fd_write) on a socket", "%s", strerror(errno));
  n = read(client, buf, sizeof buf);
  report(n == 4 && memcmp(buf, "pong", 4) == 0, "read (fd_read) on a socket", "got %zd bytes", n);

  /* non-blocking reads and poll */
  report(fl_set_nonblocking(client, 1) == 0, "fcntl O_NONBLOCK on a connection", "%s", strerror(errno));
  errno = 0;
  expect_fail("recv with no data on a non-blocking socket: EAGAIN", recv(client, buf, sizeof buf, 0), EAGAIN);
  report(!(poll_one(client, POLLIN, 0) & POLLIN), "poll: no data, not readable", "it was");
  report(poll_one(client, POLLOUT, 0) & POLLOUT, "poll: an idle connection is writable", "it was not");
  send(server, "x", 1, 0);
  report(poll_one(client, POLLIN, 1000) & POLLIN, "poll: readable once data arrives", "it was not");
  report(recv(client, buf, sizeof buf, 0) == 1, "recv after poll", "%s", strerror(errno));

  /* backpressure: a non-blocking sender fills the stream, then EAGAIN */
  static char block[8192];
  long sent = 0;
  for (int i = 0; i < 1024; i++) {
    ssize_t k = send(client, block, sizeof block, 0);
    if (k < 0) break;
    sent += k;
  }
  report(errno == EAGAIN && sent > 0 && sent < 8 * 1024 * 1024, "a full stream says EAGAIN to a non-blocking sender",
         "sent %ld bytes, errno %d", sent, errno);
  report(!(poll_one(client, POLLOUT, 0) & POLLOUT), "poll: a full stream is not writable", "it was");
  long drained = 0;
  while (drained < sent) {
    ssize_t k = recv(server, block, sizeof block, 0);
    if (k <= 0) break;
    drained += k;
  }
  report(drained == sent, "everything sent arrives in order", "sent %ld, received %ld", sent, drained);
  report(poll_one(client, POLLOUT, 1000) & POLLOUT, "poll: writable again after the reader drained it", "it was not");

  /* half-close: shutdown(SHUT_WR) gives the peer EOF, the other direction still works */
  report(shutdown(client, SHUT_WR) == 0, "shutdown(SHUT_WR) (sock_shutdown)", "%s", strerror(errno));
  n = recv(server, buf, sizeof buf, 0);
  report(n == 0, "the peer reads EOF after a half-close", "recv returned %zd", n);
  report(send(server, "late", 4, 0) == 4, "the half-closed peer can still send", "%s", strerror(errno));
  report(poll_one(client, POLLIN, 1000) & POLLIN, "poll: the half-closed side is readable", "it was not");
  n = recv(client, buf, sizeof buf, 0);
  report(n == 4 && memcmp(buf, "late", 4) == 0, "the half-closed side still receives", "got %zd", n);
  shutdown(server, SHUT_WR);
  report(poll_one(client, POLLIN, 1000) & (POLLIN | POLLHUP), "poll: EOF makes a socket readable", "it did not");
  n = recv(client, buf, sizeof buf, 0);
  report(n == 0, "recv returns 0 at EOF", "recv returned %zd (errno %d)", n, errno);

  /* writing after the peer closed */
  close(server);
  errno = 0;
  ssize_t w = send(client, "x", 1, 0);
  report(w == -1 && (errno == EPIPE || errno == ECONNRESET), "send after the peer closed: EPIPE",
         "returned %zd errno %d (%s)", w, errno, strerror(errno));
  close(client);

  /* preview1 sock_accept (wasi-libc's accept) */
  int second = open_stream();
  expect_errno("sock_connect a second client", wasix_sock_connect(second, &to), 0);
  poll_one(lfd, POLLIN, 1000);
  int accepted = accept(lfd, NULL, NULL);
  report(accepted >= 0, "accept (preview1 sock_accept)", "%s", strerror(errno));
  if (accepted >= 0) {
    send(second, "hi", 2, 0);
    n = recv(accepted, buf, sizeof buf, 0);
    report(n == 2, "the preview1-accepted socket receives", "got %zd", n);
    close(accepted);
  }
  close(second);

  /* refused, not a socket, resolve */
  int refused = open_stream();
  wasix_addr_port nobody = loopback(port + 1);
  expect_errno("sock_connect to a port nobody listens on: CONNREFUSED", wasix_sock_connect(refused, &nobody),
               __WASI_ERRNO_CONNREFUSED);
  close(refused);
  expect_errno("sock_addr_local on stdout: NOTSOCK", wasix_sock_addr_local(1, &local), __WASI_ERRNO_NOTSOCK);
  wasix_addr found[4];
  int32_t count = -1;
  const char *unknown = "no-such-host.invalid";
  expect_errno("resolve an unknown name", wasix_resolve(unknown, (int32_t)strlen(unknown), 80, found, 4, &count), 0);
  report(count == 0, "an unknown name has no addresses", "count %d", count);
  count = -1;
  expect_errno("resolve localhost", wasix_resolve("localhost", 9, 80, found, 4, &count), 0);
  report(count >= 1 && found[0].tag == WASIX_AF_INET4 && memcmp(found[0].addr, "\x7f\0\0\x01", 4) == 0,
         "localhost is 127.0.0.1", "count %d, first tag %u", count, count > 0 ? found[0].tag : 0);

  /* the helpers, end to end */
  int via_name = fl_connect("localhost", port);
  report(via_name >= 0, "fl_connect(\"localhost\", PORT)", "%s", strerror(errno));
  char who[FL_ADDRSTRLEN] = "";
  poll_one(lfd, POLLIN, 1000);
  int via_accept = fl_accept(lfd, who, sizeof who);
  report(via_accept >= 0 && strncmp(who, "127.0.0.1:", 10) == 0, "fl_accept names the peer", "peer \"%s\"", who);
  report(fl_connect("no-such-host.invalid", port) == FL_ERR_NOHOST, "fl_connect to an unknown name: FL_ERR_NOHOST",
         "it was not");
  if (via_name >= 0) close(via_name);
  if (via_accept >= 0) close(via_accept);
  close(lfd);

  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
