/*
 * netprobe: one network behaviour per mode, for tests/net/network.test.ts.
 * Built with images/include/flotilla_net.h (WASIX sockets).
 *
 *   netprobe serve PORT echo|hold|discard   accept connections one at a time;
 *                                            echo: send back what arrives until EOF;
 *                                            hold: accept and never read;
 *                                            discard: read and drop, print the count
 *   netprobe preopened                       echo on the runtime's pre-opened
 *                                            listener (fd 4, LISTEN_FDS=1), once
 *   netprobe talk HOST PORT TEXT             send TEXT, half-close, print the reply
 *   netprobe send HOST PORT BYTES            send BYTES bytes, print how many went
 *   netprobe wait HOST PORT                  connect and block reading; print how it ended
 *   netprobe connect HOST PORT               print "connected" or the error; exit errno
 *   netprobe resolve NAME                    print the addresses, or "no such host"
 *
 * Every line is flushed at once so tests can follow progress.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "flotilla_net.h"

static int fail(const char *what) {
  printf("error: %s: %s (%d)\n", what, strerror(errno), errno);
  fflush(stdout);
  return errno ? errno : 1;
}

static int connect_to(const char *host, const char *port) {
  int fd = fl_connect(host, atoi(port));
  if (fd == FL_ERR_NOHOST) {
    printf("error: no such host %s\n", host);
    fflush(stdout);
  }
  return fd;
}

static int serve(int port, const char *mode) {
  int listener = fl_listen(port, 16);
  if (listener < 0) return fail("listen");
  printf("listening on %d\n", port);
  fflush(stdout);
  for (;;) {
    char peer[64];
    int fd = fl_accept(listener, peer, sizeof peer);
    if (fd < 0) return fail("accept");
    printf("accepted %s\n", peer);
    fflush(stdout);
    if (strcmp(mode, "hold") == 0) {
      for (;;) sleep(1);
    }
    static char buffer[65536]; /* not on the stack: wasm stacks are 64 KiB */
    long total = 0;
    for (;;) {
      ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n < 0) { fail("recv"); break; }
      if (n == 0) break;
      total += n;
      if (strcmp(mode, "echo") == 0 && fl_write_all(fd, buffer, (size_t)n, 1) < 0) { fail("send"); break; }
    }
    printf("closed after %ld bytes\n", total);
    fflush(stdout);
    close(fd);
  }
}

static int preopened(void) {
  const char *count = getenv("LISTEN_FDS");
  if (!count || atoi(count) != 1) { printf("LISTEN_FDS is %s\n", count ? count : "unset"); return 1; }
  int fd = accept(4, NULL, NULL); /* preview1 sock_accept on the runtime's listener */
  if (fd < 0) return fail("accept");
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    if (write(fd, buffer, (size_t)n) != n) return fail("write");
  }
  if (n < 0) return fail("read");
  if (shutdown(fd, SHUT_WR) < 0) return fail("shutdown");
  printf("served one connection\n");
  return 0;
}

static int talk(const char *host, const char *port, const char *text) {
  int fd = connect_to(host, port);
  if (fd < 0) return fd == FL_ERR_NOHOST ? 6 : fail("connect");
  if (fl_write_all(fd, text, strlen(text), 1) < 0) return fail("send");
  if (shutdown(fd, SHUT_WR) < 0) return fail("shutdown");
  char buffer[4096];
  ssize_t n;
  printf("reply: ");
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) fwrite(buffer, 1, (size_t)n, stdout);
  printf("\n");
  if (n < 0) return fail("recv");
  return 0;
}

static int send_bytes(const char *host, const char *port, long count) {
  int fd = connect_to(host, port);
  if (fd < 0) return fd == FL_ERR_NOHOST ? 6 : fail("connect");
  printf("connected\n");
  fflush(stdout);
  static char chunk[65536];
  memset(chunk, 'x', sizeof chunk);
  long sent = 0;
  while (sent < count) {
    size_t size = count - sent < (long)sizeof chunk ? (size_t)(count - sent) : sizeof chunk;
    ssize_t n = send(fd, chunk, size, 0);
    if (n < 0) {
      printf("sent %ld\n", sent);
      return fail("send");
    }
    sent += n;
  }
  shutdown(fd, SHUT_WR);
  printf("sent %ld\n", sent);
  return 0;
}

static int wait_reading(const char *host, const char *port) {
  int fd = connect_to(host, port);
  if (fd < 0) return fd == FL_ERR_NOHOST ? 6 : fail("connect");
  printf("connected\n");
  fflush(stdout);
  char buffer[256];
  ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  if (n < 0) return fail("recv");
  printf("recv returned %ld\n", (long)n);
  return 0;
}

int main(int argc, char **argv) {
  fl_net_init();
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 4 && strcmp(argv[1], "serve") == 0) return serve(atoi(argv[2]), argv[3]);
  if (argc == 2 && strcmp(argv[1], "preopened") == 0) return preopened();
  if (argc == 5 && strcmp(argv[1], "talk") == 0) return talk(argv[2], argv[3], argv[4]);
  if (argc == 5 && strcmp(argv[1], "send") == 0) return send_bytes(argv[2], argv[3], atol(argv[4]));
  if (argc == 4 && strcmp(argv[1], "wait") == 0) return wait_reading(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "connect") == 0) {
    int fd = connect_to(argv[2], argv[3]);
    if (fd == FL_ERR_NOHOST) return 6;
    if (fd < 0) return fail("connect");
    printf("connected\n");
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "resolve") == 0) {
    fl_addr addrs[4];
    int n = fl_resolve(argv[2], 0, addrs, 4);
    if (n < 0) return fail("resolve");
    if (n == 0) { printf("no such host\n"); return 6; }
    for (int i = 0; i < n; i++) {
      char text[64];
      fl_format_ip(&addrs[i], text, sizeof text);
      printf("%s\n", text);
    }
    return 0;
  }
  fprintf(stderr, "usage: netprobe serve|preopened|talk|send|wait|connect|resolve ...\n");
  return 2;
}
