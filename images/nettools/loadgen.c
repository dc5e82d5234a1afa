// loadgen: an HTTP load generator, like a small hey or ab.
//
//   loadgen [-n N] [-c C] [-k] [-t SECS] [-H 'K: V']... URL
//
//   -n N       requests in all (default 200, at most 1000000)
//   -c C       connections working concurrently (default 10, at most 1000 and N)
//   -k         keep-alive: each connection carries request after request
//              (default: a new connection per request, "Connection: close")
//   -t SECS    a request still unanswered after SECS seconds fails (default 10)
//   -H 'K: V'  an extra request header (repeatable)
//
// One thread drives every connection: non-blocking sockets and poll().
// Connecting is a blocking call (Flotilla's network connects at once).
// A request on a reused keep-alive connection that the server had closed
// meanwhile is retried once on a new connection, as browsers do.
//
// It prints a summary: completed and failed requests, duration, requests
// per second, latency percentiles (p50, p90, p99, max) in µs, ms or s, the
// status codes seen and the errors.
//
// Exit status: 0 every request got a response (whatever its status code);
// 1 some requests failed (refused, reset, timed out, malformed response) or
// the host does not resolve; 2 bad usage or URL.
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <flotilla_net.h>

#include "http.h"
#include "nettools.h"

#define MAX_REQUESTS 1000000
#define MAX_CONCURRENCY 1000
#define MAX_ERROR_KINDS 16

enum slot_state { SLOT_IDLE, SLOT_SENDING, SLOT_RECEIVING };

struct slot {
  int fd;                  // -1 while not connected
  enum slot_state state;
  size_t sent;             // request bytes sent
  int64_t start_us;
  int reused;              // the connection already carried a request
  int retried;             // this request was already retried once
  struct http_response resp;
};

struct error_kind {
  char text[96];
  long count;
};

static struct {
  fl_addr addr;
  struct fl_buf request;
  int keep_alive;
  int64_t timeout_us;
  long total;              // requests to make
  long started, completed, failed;
  long connections;        // connections opened
  uint32_t *latency_us;    // of completed requests
  long statuses[600];
  long other_statuses;
  uint64_t body_bytes;
  struct error_kind errors[MAX_ERROR_KINDS];
  int nerrors;
} lg;

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void close_slot(struct slot *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->state = SLOT_IDLE;
}

static void record_error(const char *text) {
  for (int i = 0; i < lg.nerrors; i++) {
    if (strcmp(lg.errors[i].text, text) == 0) {
      lg.errors[i].count++;
      return;
    }
  }
  if (lg.nerrors == MAX_ERROR_KINDS) {  // the table is full: its last entry takes the rest
    struct error_kind *last = &lg.errors[MAX_ERROR_KINDS - 1];
    snprintf(last->text, sizeof last->text, "other errors");
    last->count++;
    return;
  }
  struct error_kind *e = &lg.errors[lg.nerrors++];
  snprintf(e->text, sizeof e->text, "%s", text);
  e->count = 1;
}

static void fail_request(struct slot *s, const char *why) {
  lg.failed++;
  record_error(why);
  close_slot(s);
}

static void complete_request(struct slot *s) {
  int64_t took = now_us() - s->start_us;
  lg.latency_us[lg.completed++] = took > UINT32_MAX ? UINT32_MAX : (uint32_t)took;
  int status = s->resp.status;
  if (status >= 0 && status < 600) lg.statuses[status]++;
  else lg.other_statuses++;
  lg.body_bytes += s->resp.body_bytes;
  if (lg.keep_alive && s->resp.keep_alive) {
    s->state = SLOT_IDLE;
    s->reused = 1;
  } else {
    close_slot(s);
  }
}

static int connect_slot(struct slot *s) {
  int fd = fl_connect_addr(&lg.addr);
  if (fd < 0) return -1;
  if (fl_set_nonblocking(fd, 1) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  (void)fl_set_nodelay(fd);
  lg.connections++;
  s->fd = fd;
  s->reused = 0;
  return 0;
}

static void send_some(struct slot *s);

// The server closed a reused keep-alive connection before answering: try once more on a new one.
static int retry_stale(struct slot *s) {
  if (!s->reused || s->retried || s->resp.received > 0) return 0;
  close_slot(s);
  s->retried = 1;
  if (connect_slot(s) < 0) {
    fail_request(s, strerror(errno));
    return 1;
  }
  s->state = SLOT_SENDING;
  s->sent = 0;
  http_response_reset(&s->resp, 0);
  send_some(s);
  return 1;
}

static void start_request(struct slot *s) {
  lg.started++;
  s->retried = 0;
  s->start_us = now_us();
  if (s->fd < 0 && connect_slot(s) < 0) {
    fail_request(s, strerror(errno));
    return;
  }
  s->state = SLOT_SENDING;
  s->sent = 0;
  http_response_reset(&s->resp, 0);
  send_some(s);
}

static void send_some(struct slot *s) {
  while (s->sent < lg.request.len) {
    ssize_t n = fl_send(s->fd, lg.request.data + s->sent, lg.request.len - s->sent);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (!retry_stale(s)) fail_request(s, strerror(errno));
      return;
    }
    s->sent += (size_t)n;
  }
  s->state = SLOT_RECEIVING;
}

static void receive_some(struct slot *s) {
  static char buf[65536];
  ssize_t n = recv(s->fd, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (!retry_stale(s)) fail_request(s, strerror(errno));
    return;
  }
  if (n == 0) {
    if (http_response_eof(&s->resp)) complete_request(s);
    else if (!retry_stale(s)) fail_request(s, s->resp.received ? "connection closed in the middle of a response" : "connection closed without a response");
    return;
  }
  if (http_response_feed(&s->resp, buf, (size_t)n, NULL, NULL, NULL) < 0) {
    char why[96];
    snprintf(why, sizeof why, "malformed response: %s", s->resp.error ? s->resp.error : "?");
    fail_request(s, why);
    return;
  }
  if (s->resp.state == HTTP_DONE) complete_request(s);
}

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void format_duration(uint32_t us, char *out, size_t size) {
  if (us < 1000) snprintf(out, size, "%u µs", us);
  else if (us < 1000000) snprintf(out, size, "%.2f ms", us / 1000.0);
  else snprintf(out, size, "%.2f s", us / 1000000.0);
}

// Nearest-rank percentile of the sorted latencies.
static uint32_t percentile(double p) {
  long rank = (long)(p / 100.0 * (double)lg.completed + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > lg.completed) rank = lg.completed;
  return lg.latency_us[rank - 1];
}

static void report(const char *url, int concurrency, int64_t elapsed_us) {
  char target[FL_ADDRSTRLEN];
  fl_format_addr(&lg.addr, target, sizeof target);
  double seconds = elapsed_us / 1e6;
  printf("Target:        %s (%s)\n", url, target);
  printf("Requests:      %ld total, %d concurrent, keep-alive %s\n", lg.total, concurrency, lg.keep_alive ? "on" : "off");
  printf("Completed:     %ld\n", lg.completed);
  printf("Failed:        %ld\n", lg.failed);
  printf("Duration:      %.3f s\n", seconds);
  printf("Requests/s:    %.1f\n", seconds > 0 ? (double)lg.completed / seconds : 0.0);
  printf("Transfer:      %" PRIu64 " body bytes (%.1f KiB/s)\n", lg.body_bytes, seconds > 0 ? (double)lg.body_bytes / 1024.0 / seconds : 0.0);
  if (lg.completed > 0) {
    qsort(lg.latency_us, (size_t)lg.completed, sizeof lg.latency_us[0], compare_u32);
    char a[32], b[32], c[32], d[32], e[32];
    format_duration(lg.latency_us[0], a, sizeof a);
    format_duration(percentile(50), b, sizeof b);
    format_duration(percentile(90), c, sizeof c);
    format_duration(percentile(99), d, sizeof d);
    format_duration(lg.latency_us[lg.completed - 1], e, sizeof e);
    printf("Latency:       min %s, p50 %s, p90 %s, p99 %s, max %s\n", a, b, c, d, e);
    printf("Status codes: ");
    for (int code = 0; code < 600; code++) {
      if (lg.statuses[code]) printf(" [%d] %ld", code, lg.statuses[code]);
    }
    if (lg.other_statuses) printf(" [other] %ld", lg.other_statuses);
    printf("\n");
  }
  printf("Connections:   %ld opened\n", lg.connections);
  for (int i = 0; i < lg.nerrors; i++) printf("Error:         %ld x %s\n", lg.errors[i].count, lg.errors[i].text);
}

static int usage(FILE *to, int status) {
  fprintf(to, "Usage: loadgen [-n N] [-c C] [-k] [-t SECS] [-H 'K: V']... URL\n"
              "  -n N      requests in all (default 200)\n"
              "  -c C      concurrent connections (default 10)\n"
              "  -k        keep-alive: reuse connections\n"
              "  -t SECS   per-request timeout (default 10)\n"
              "  -H 'K: V' extra request header\n"
              "Prints requests/s and latency percentiles.\n"
              "Exit status: 0 every request answered, 1 some failed or the host does not resolve, 2 bad usage.\n");
  return status;
}

static int parse_count(const char *text, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < 1 || v > max) return -1;
  *out = v;
  return 0;
}

int loadgen_main(int argc, char **argv) {
  fl_net_init();
  long total = 200, concurrency = 10, timeout_s = 10;
  const char *url_text = NULL;
  const char *headers[32];
  int nheaders = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) return usage(stdout, 0);
    if (strcmp(arg, "-k") == 0) {
      lg.keep_alive = 1;
    } else if (strcmp(arg, "-n") == 0 || strcmp(arg, "-c") == 0 || strcmp(arg, "-t") == 0 || strcmp(arg, "-H") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "loadgen: option %s needs an argument\n", arg);
        return usage(stderr, 2);
      }
      const char *value = argv[++i];
      int bad = 0;
      switch (arg[1]) {
        case 'n': bad = parse_count(value, MAX_REQUESTS, &total); break;
        case 'c': bad = parse_count(value, MAX_CONCURRENCY, &concurrency); break;
        case 't': bad = parse_count(value, 3600, &timeout_s); break;
        case 'H':
          if (nheaders == (int)(sizeof headers / sizeof headers[0]) || !strchr(value, ':') || strpbrk(value, "\r\n")) bad = -1;
          else headers[nheaders++] = value;
          break;
      }
      if (bad) {
        fprintf(stderr, "loadgen: bad value '%s' for %s\n", value, arg);
        return usage(stderr, 2);
      }
    } else if (arg[0] == '-') {
      fprintf(stderr, "loadgen: unknown option %s\n", arg);
      return usage(stderr, 2);
    } else if (url_text) {
      fprintf(stderr, "loadgen: only one URL, please ('%s' and '%s')\n", url_text, arg);
      return 2;
    } else {
      url_text = arg;
    }
  }
  if (!url_text) return usage(stderr, 2);
  struct url url;
  enum url_error uerr = url_parse(url_text, &url);
  if (uerr) {
    if (uerr == URL_UNSUPPORTED_SCHEME) fprintf(stderr, "loadgen: %s: only http:// is supported\n", url_text);
    else fprintf(stderr, "loadgen: %s: %s\n", url_text, url_error_text(uerr));
    return 2;
  }
  int n = fl_resolve(url.host, url.port, &lg.addr, 1);
  if (n <= 0) {
    fprintf(stderr, "loadgen: could not resolve host: %s%s%s\n", url.host, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
    return 1;
  }
  if (concurrency > total) concurrency = total;

  lg.total = total;
  lg.timeout_us = (int64_t)timeout_s * 1000000;
  int rc = fl_buf_printf(&lg.request, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: loadgen/1.0\r\nAccept: */*\r\n%s",
                         url.path, url.authority, lg.keep_alive ? "" : "Connection: close\r\n");
  for (int i = 0; i < nheaders; i++) rc |= fl_buf_printf(&lg.request, "%s\r\n", headers[i]);
  rc |= fl_buf_printf(&lg.request, "\r\n");
  lg.latency_us = malloc((size_t)total * sizeof lg.latency_us[0]);
  struct slot *slots = calloc((size_t)concurrency, sizeof *slots);
  struct pollfd *pfds = calloc((size_t)concurrency, sizeof *pfds);
  int *owner = calloc((size_t)concurrency, sizeof *owner);
  if (rc || !lg.latency_us || !slots || !pfds || !owner) {
    fprintf(stderr, "loadgen: out of memory\n");
    return 1;
  }
  for (long i = 0; i < concurrency; i++) {
    slots[i].fd = -1;
    http_response_init(&slots[i].resp, 0);
  }

  int64_t begin = now_us();
  while (lg.completed + lg.failed < lg.total) {
    for (long i = 0; i < concurrency && lg.started < lg.total; i++) {
      if (slots[i].state == SLOT_IDLE) start_request(&slots[i]);
    }
    int npoll = 0;
    int64_t now = now_us(), wait_us = lg.timeout_us;
    for (long i = 0; i < concurrency; i++) {
      struct slot *s = &slots[i];
      if (s->state == SLOT_IDLE) continue;
      pfds[npoll] = (struct pollfd){ .fd = s->fd, .events = s->state == SLOT_SENDING ? POLLOUT : POLLIN };
      owner[npoll++] = (int)i;
      int64_t left = s->start_us + lg.timeout_us - now;
      if (left < wait_us) wait_us = left;
    }
    if (npoll == 0) continue;  // every new request failed at once; start more
    int ready = poll(pfds, (nfds_t)npoll, wait_us <= 0 ? 0 : (int)((wait_us + 999) / 1000));
    if (ready < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "loadgen: poll: %s\n", strerror(errno));
      return 1;
    }
    for (int k = 0; k < npoll; k++) {
      struct slot *s = &slots[owner[k]];
      short re = pfds[k].revents;
      if (!re) continue;
      if (s->state == SLOT_SENDING) send_some(s);
      else if (s->state == SLOT_RECEIVING) receive_some(s);
    }
    now = now_us();
    for (long i = 0; i < concurrency; i++) {
      struct slot *s = &slots[i];
      if (s->state != SLOT_IDLE && now - s->start_us > lg.timeout_us) fail_request(s, "timeout");
    }
  }
  int64_t elapsed = now_us() - begin;

  report(url_text, (int)concurrency, elapsed);
  for (long i = 0; i < concurrency; i++) {
    close_slot(&slots[i]);
    http_response_free(&slots[i].resp);
  }
  free(slots);
  free(pfds);
  free(owner);
  free(lg.latency_us);
  free(lg.request.data);
  return lg.failed ? 1 : 0;
}
