/*
 * netbench: network figures between two containers, measured inside the
 * client with the monotonic clock (bench/net.ts runs it).
 *
 *   netbench server PORT                  serves every mode below, one connection at a time
 *   netbench throughput HOST PORT MIB     sends MIB MiB, waits for the server's count;
 *                                         prints "throughput_mib_s <x>"
 *   netbench pingpong HOST PORT N         N round trips of 64 bytes; prints
 *                                         "rtt_us_p50 <x>" and "rtt_us_p95 <x>"
 *   netbench connect HOST PORT N          N connect + close cycles; prints "connect_us_p50 <x>"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flotilla_net.h"

static char buffer[256 * 1024];

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double *values, int n, double p) {
  qsort(values, (size_t)n, sizeof *values, compare);
  int index = (int)(p * (n - 1) + 0.5);
  return values[index];
}

static int read_full(int fd, char *into, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = recv(fd, into + got, size - got, 0);
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  return 0;
}

static void serve_one(int fd) {
  char mode;
  if (read_full(fd, &mode, 1) < 0) return;
  if (mode == 'T') {
    uint64_t total = 0;
    ssize_t n;
    while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) total += (uint64_t)n;
    fl_write_all(fd, (const char *)&total, sizeof total, 1);
  } else if (mode == 'P') {
    char message[64];
    while (read_full(fd, message, sizeof message) == 0) fl_write_all(fd, message, sizeof message, 1);
  }
}

static int server(int port) {
  int listener = fl_listen(port, 64);
  if (listener < 0) { perror("netbench: listen"); return 1; }
  printf("listening on %d\n", port);
  fflush(stdout);
  for (;;) {
    int fd = fl_accept(listener, NULL, 0);
    if (fd < 0) { perror("netbench: accept"); return 1; }
    serve_one(fd);
    close(fd);
  }
}

static int connect_or_die(const char *host, int port) {
  int fd = fl_connect(host, port);
  if (fd < 0) { perror("netbench: connect"); exit(1); }
  return fd;
}

int main(int argc, char **argv) {
  fl_net_init();
  if (argc == 3 && strcmp(argv[1], "server") == 0) return server(atoi(argv[2]));
  if (argc != 5) { fprintf(stderr, "usage: netbench server PORT | throughput|pingpong|connect HOST PORT N\n"); return 2; }
  const char *host = argv[2];
  int port = atoi(argv[3]);
  long n = atol(argv[4]);
  if (strcmp(argv[1], "throughput") == 0) {
    memset(buffer, 'x', sizeof buffer);
    int fd = connect_or_die(host, port);
    double start = now_us();
    fl_write_all(fd, "T", 1, 1);
    uint64_t total = (uint64_t)n * 1024 * 1024;
    for (uint64_t sent = 0; sent < total; sent += sizeof buffer) fl_write_all(fd, buffer, sizeof buffer, 1);
    shutdown(fd, SHUT_WR);
    uint64_t count = 0;
    if (read_full(fd, (char *)&count, sizeof count) < 0 || count != total) { fprintf(stderr, "netbench: server counted %llu\n", (unsigned long long)count); return 1; }
    double seconds = (now_us() - start) / 1e6;
    printf("throughput_mib_s %.1f\n", (double)n / seconds);
    return 0;
  }
  if (strcmp(argv[1], "pingpong") == 0) {
    int fd = connect_or_die(host, port);
    fl_set_nodelay(fd);
    fl_write_all(fd, "P", 1, 1);
    double *samples = calloc((size_t)n, sizeof *samples);
    char message[64] = "ping";
    for (long i = 0; i < n; i++) {
      double start = now_us();
      fl_write_all(fd, message, sizeof message, 1);
      if (read_full(fd, message, sizeof message) < 0) { fprintf(stderr, "netbench: lost the server\n"); return 1; }
      samples[i] = now_us() - start;
    }
    printf("rtt_us_p50 %.1f\nrtt_us_p95 %.1f\n", percentile(samples, (int)n, 0.5), percentile(samples, (int)n, 0.95));
    return 0;
  }
  if (strcmp(argv[1], "connect") == 0) {
    double *samples = calloc((size_t)n, sizeof *samples);
    for (long i = 0; i < n; i++) {
      double start = now_us();
      int fd = connect_or_die(host, port);
      samples[i] = now_us() - start;
      close(fd);
    }
    printf("connect_us_p50 %.1f\n", percentile(samples, (int)n, 0.5));
    return 0;
  }
  fprintf(stderr, "netbench: unknown mode %s\n", argv[1]);
  return 2;
}
