// curl: transfers a URL over HTTP/1.1, with curl's options, messages and
// exit codes for what it supports.
//
//   curl [options] URL
//
//   -d, --data DATA        send DATA as a POST body (application/x-www-form-urlencoded);
//                          @FILE reads it from FILE (@- stdin) without CR/LF; repeated -d
//                          are joined with '&'
//       --data-binary DATA as -d, but @FILE is sent as is
//       --data-raw DATA    as -d, but a leading @ is not special
//   -H, --header 'K: V'    add a request header, replacing a default one; 'K:' removes it
//   -X, --request METHOD   request method (default GET, or POST with -d)
//   -I, --head             HEAD request; print the response headers
//   -i, --include          print the response headers before the body
//   -o, --output FILE      write the output to FILE instead of stdout
//   -L, --location         follow redirects (301, 302, 303, 307, 308), at most 50
//   -f, --fail             fail with exit 22 and no output on HTTP status >= 400
//   -s, --silent           no error messages;  -S, --show-error: show them even with -s
//   -v, --verbose          show the connection, request and response headers on stderr
//   -m, --max-time SECS    give up after SECS seconds (exit 28)
//   -A, --user-agent NAME  User-Agent header (default curl/8.0-flotilla)
//
// URLs are http://HOST[:PORT][/PATH] (http:// may be left out); HOST is a
// container name, a network alias, localhost or an IPv4 address.
// Responses with Content-Length, chunked bodies and bodies ended by the
// server's close are all read to the end.
//
// Exit status, as curl's: 0 success; 1 unsupported protocol; 2 bad usage;
// 3 malformed URL; 6 could not resolve host; 7 failed to connect;
// 8 malformed response; 18 body cut short; 22 HTTP status >= 400 with -f;
// 23 cannot write the output; 26 cannot read a -d @FILE; 28 timeout (-m);
// 47 too many redirects; 52 empty reply; 55 send failure; 56 receive failure.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <flotilla_net.h>

#include "http.h"
#include "nettools.h"

#define MAX_REDIRECTS 50

struct curl_options {
  const char *method;
  int head, include, silent, show_error, fail, follow, verbose;
  const char *output;
  const char *user_agent;
  double max_time;
  const char *url;
  char *data;                 // request body, or NULL
  size_t data_len;
  const char **headers;       // -H arguments
  size_t nheaders;
};

// Everything one transfer needs in the parser callbacks.
struct transfer {
  const struct curl_options *opt;
  int out_fd;                 // where the body (and -i headers) go; -1 until opened
  int discard_body;           // a redirect we follow: its body is not output
  int http_error;             // -f: the status that stopped the transfer
  int write_failed;
};

static struct curl_options opts;

// Prints "curl: (CODE) message" unless silenced; returns CODE.
static int fail_with(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_with(int code, const char *fmt, ...) {
  if (opts.silent && !opts.show_error) return code;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "curl: (%d) ", code);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return code;
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "curl: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\ncurl: try 'curl --help' for more information\n");
  return 2;
}

static void print_help(void) {
  fputs("Usage: curl [options] URL\n"
        " -d, --data DATA         HTTP POST data (@FILE reads a file, @- stdin)\n"
        "     --data-binary DATA  HTTP POST data, @FILE sent as is\n"
        "     --data-raw DATA     HTTP POST data, @ not special\n"
        " -f, --fail              fail fast with no output on HTTP errors (exit 22)\n"
        " -H, --header 'K: V'     pass a custom header to the server ('K:' removes K)\n"
        " -I, --head              show the document info only (HEAD)\n"
        " -i, --include           include the response headers in the output\n"
        " -L, --location          follow redirects\n"
        " -m, --max-time SECS     maximum time allowed for the transfer\n"
        " -o, --output FILE       write to FILE instead of stdout\n"
        " -s, --silent            silent mode;  -S, --show-error: show errors even with -s\n"
        " -A, --user-agent NAME   send User-Agent NAME\n"
        " -v, --verbose           make the operation more talkative\n"
        " -X, --request METHOD    specify the request method to use\n"
        "URL: http://HOST[:PORT][/PATH]\n"
        "Exit status: 0 ok, 1 unsupported protocol, 2 bad usage, 3 malformed URL,\n"
        "6 could not resolve host, 7 failed to connect, 8 weird server reply,\n"
        "18 partial body, 22 HTTP error with -f, 23 write error, 26 read error,\n"
        "28 timeout, 47 too many redirects, 52 empty reply, 55 send failure,\n"
        "56 receive failure.\n",
        stdout);
}

// Reads a whole file (or stdin for "-") into a new buffer.
static char *read_file(const char *path, size_t *len_out) {
  int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct fl_buf b = {0};
  char chunk[8192];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (n > 0 && fl_buf_append(&b, chunk, (size_t)n) < 0)) {
      int saved = errno;
      if (fd) close(fd);
      free(b.data);
      errno = saved;
      return NULL;
    }
    if (n == 0) break;
  }
  if (fd) close(fd);
  if (fl_buf_append(&b, "", 0) < 0) {  // a valid pointer even when empty
    free(b.data);
    return NULL;
  }
  *len_out = b.len;
  return b.data;
}

// Adds one -d/--data-binary/--data-raw argument to the body.
static int add_data(const char *arg, int binary, int raw) {
  char *file = NULL;
  const char *piece = arg;
  size_t len = strlen(arg);
  if (!raw && arg[0] == '@') {
    file = read_file(arg + 1, &len);
    if (!file) {
      if (!opts.silent || opts.show_error) {
        fprintf(stderr, "Warning: Couldn't read data from file \"%s\", this makes an empty POST.\n", arg + 1);
      }
      len = 0;
    } else if (!binary) {  // -d @file drops carriage returns and newlines, as curl does
      size_t o = 0;
      for (size_t i = 0; i < len; i++) {
        if (file[i] != '\r' && file[i] != '\n') file[o++] = file[i];
      }
      len = o;
    }
    piece = file ? file : "";
  }
  size_t sep = opts.data ? 1 : 0;
  char *joined = realloc(opts.data, opts.data_len + sep + len + 1);
  if (!joined) {
    free(file);
    return -1;
  }
  if (sep) joined[opts.data_len] = '&';
  memcpy(joined + opts.data_len + sep, piece, len);
  opts.data_len += sep + len;
  joined[opts.data_len] = '\0';
  opts.data = joined;
  free(file);
  return 0;
}

static int add_header(const char *h) {
  const char **list = realloc(opts.headers, (opts.nheaders + 1) * sizeof *list);
  if (!list) return -1;
  opts.headers = list;
  opts.headers[opts.nheaders++] = h;
  return 0;
}

// Option letters that take an argument, and their long names.
static const struct {
  char short_name;
  const char *long_name;
  int takes_arg;
} known_options[] = {
  {'d', "data", 1}, {0, "data-binary", 1}, {0, "data-raw", 1}, {'H', "header", 1},
  {'X', "request", 1}, {'o', "output", 1}, {'m', "max-time", 1}, {'A', "user-agent", 1},
  {'I', "head", 0}, {'i', "include", 0}, {'L', "location", 0}, {'f', "fail", 0},
  {'s', "silent", 0}, {'S', "show-error", 0}, {'v', "verbose", 0}, {'h', "help", 0},
};

// Applies one option (by its long name) with its argument. Returns 0, or an exit status.
static int apply_option(const char *name, const char *arg) {
  if (strcmp(name, "data") == 0 || strcmp(name, "data-binary") == 0 || strcmp(name, "data-raw") == 0) {
    if (add_data(arg, strcmp(name, "data-binary") == 0, strcmp(name, "data-raw") == 0) < 0) {
      return fail_with(26, "Failed to open/read local data from file/application");
    }
  } else if (strcmp(name, "header") == 0) {
    if (add_header(arg) < 0) return fail_with(27, "Out of memory");
  } else if (strcmp(name, "request") == 0) {
    opts.method = arg;
  } else if (strcmp(name, "output") == 0) {
    opts.output = arg;
  } else if (strcmp(name, "user-agent") == 0) {
    opts.user_agent = arg;
  } else if (strcmp(name, "max-time") == 0) {
    char *end;
    opts.max_time = strtod(arg, &end);
    if (end == arg || *end || opts.max_time < 0) {
      fprintf(stderr, "curl: option --max-time: expected a proper numerical parameter\n"
                      "curl: try 'curl --help' for more information\n");
      return 2;
    }
  } else if (strcmp(name, "head") == 0) {
    opts.head = 1;
  } else if (strcmp(name, "include") == 0) {
    opts.include = 1;
  } else if (strcmp(name, "location") == 0) {
    opts.follow = 1;
  } else if (strcmp(name, "fail") == 0) {
    opts.fail = 1;
  } else if (strcmp(name, "silent") == 0) {
    opts.silent = 1;
  } else if (strcmp(name, "show-error") == 0) {
    opts.show_error = 1;
  } else if (strcmp(name, "verbose") == 0) {
    opts.verbose = 1;
  }
  return 0;
}

// Parses the command line into opts. Returns 0, -1 for --help, or an exit status.
static int parse_args(int argc, char **argv) {
  const size_t count = sizeof known_options / sizeof known_options[0];
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) return -1;
    if (arg[0] != '-' || arg[1] == '\0') {
      if (opts.url) return usage_error("only one URL is supported (got '%s' too)", arg);
      opts.url = arg;
      continue;
    }
    if (arg[1] == '-') {  // --long [ARG]
      size_t k = 0;
      while (k < count && strcmp(known_options[k].long_name, arg + 2) != 0) k++;
      if (k == count) return usage_error("option %s: is unknown", arg);
      const char *value = NULL;
      if (known_options[k].takes_arg) {
        if (i + 1 >= argc) return usage_error("option %s: requires parameter", arg);
        value = argv[++i];
      }
      int rc = apply_option(known_options[k].long_name, value);
      if (rc) return rc;
      continue;
    }
    for (const char *p = arg + 1; *p; p++) {  // -abc, -XPOST, -o FILE
      size_t k = 0;
      while (k < count && known_options[k].short_name != *p) k++;
      if (k == count) {
        char name[3] = {'-', *p, '\0'};
        return usage_error("option %s: is unknown", name);
      }
      if (*p == 'h') return -1;
      const char *value = NULL;
      if (known_options[k].takes_arg) {
        if (p[1]) {
          value = p + 1;
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          char name[3] = {'-', *p, '\0'};
          return usage_error("option %s: requires parameter", name);
        }
      }
      int rc = apply_option(known_options[k].long_name, value);
      if (rc) return rc;
      if (value) break;
    }
  }
  return 0;
}

// Whether user header h ("Name: value") names header `name`.
static int header_is(const char *h, const char *name) {
  size_t n = strlen(name);
  return fl_casecmp_n(h, name, n) == 0 && (h[n] == ':' || h[n] == ';');
}

static int user_sets(const char *name) {
  for (size_t i = 0; i < opts.nheaders; i++) {
    if (header_is(opts.headers[i], name)) return 1;
  }
  return 0;
}

static int build_request(struct fl_buf *req, const struct url *url, const char *method, int send_body) {
  int rc = fl_buf_printf(req, "%s %s HTTP/1.1\r\n", method, url->path);
  if (!user_sets("Host")) rc |= fl_buf_printf(req, "Host: %s\r\n", url->authority);
  if (!user_sets("User-Agent")) rc |= fl_buf_printf(req, "User-Agent: %s\r\n", opts.user_agent ? opts.user_agent : "curl/8.0-flotilla");
  if (!user_sets("Accept")) rc |= fl_buf_printf(req, "Accept: */*\r\n");
  if (send_body) {
    if (!user_sets("Content-Type")) rc |= fl_buf_printf(req, "Content-Type: application/x-www-form-urlencoded\r\n");
    if (!user_sets("Content-Length")) rc |= fl_buf_printf(req, "Content-Length: %zu\r\n", opts.data_len);
  }
  for (size_t i = 0; i < opts.nheaders; i++) {
    const char *h = opts.headers[i];
    const char *colon = strchr(h, ':');
    const char *semi = strchr(h, ';');
    if (semi && (!colon || semi < colon) && semi[1] == '\0') {  // "Name;" sends an empty header
      rc |= fl_buf_printf(req, "%.*s:\r\n", (int)(semi - h), h);
      continue;
    }
    if (!colon) continue;  // curl ignores a header without a colon
    const char *value = colon + 1;
    while (*value == ' ' || *value == '\t') value++;
    if (*value == '\0') continue;  // "Name:" removes it
    if (strpbrk(h, "\r\n")) continue;  // no header injection
    rc |= fl_buf_printf(req, "%s\r\n", h);
  }
  rc |= fl_buf_printf(req, "\r\n");
  if (send_body) rc |= fl_buf_append(req, opts.data, opts.data_len);
  return rc ? -1 : 0;
}

// Writes the lines of a header block to stderr with a prefix ("> ", "< ").
static void verbose_block(const char *prefix, const char *data, size_t len) {
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
    size_t shown = n > 0 && data[pos + n - 1] == '\r' ? n - 1 : n;
    fprintf(stderr, "%s%.*s\n", prefix, (int)shown, data + pos);
    pos += n + 1;
  }
}

static int open_output(struct transfer *t) {
  if (t->out_fd >= 0) return 0;
  if (!opts.output || strcmp(opts.output, "-") == 0) {
    t->out_fd = 1;
    return 0;
  }
  t->out_fd = open(opts.output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (t->out_fd < 0) {
    if (!opts.silent || opts.show_error) fprintf(stderr, "Warning: Failed to open the file %s: %s\n", opts.output, strerror(errno));
    t->write_failed = 1;
    return -1;
  }
  return 0;
}

static int write_output(struct transfer *t, const char *data, size_t len) {
  if (open_output(t) < 0) return -1;
  if (fl_write_all(t->out_fd, data, len, 0) < 0) {
    t->write_failed = 1;
    return -1;
  }
  return 0;
}

static int is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int on_head(void *ctx, const struct http_response *r) {
  struct transfer *t = ctx;
  if (opts.verbose) verbose_block("< ", r->head, r->head_len);
  const char *location;
  size_t location_len;
  t->discard_body = opts.follow && is_redirect(r->status) && http_header(r, "Location", &location, &location_len);
  if (opts.fail && r->status >= 400) {
    t->http_error = r->status;
    return -1;
  }
  if ((opts.include || opts.head) && write_output(t, r->head, r->head_len) < 0) return -1;
  return 0;
}

static int on_body(void *ctx, const char *data, size_t len) {
  struct transfer *t = ctx;
  if (t->discard_body) return 0;
  return write_output(t, data, len);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// One request and its response on a fresh connection. On success the
// response (status, headers) is left in *resp for the redirect logic.
static int do_request(const struct url *url, const char *method, int send_body, struct transfer *t,
                      struct http_response *resp, int64_t started) {
  fl_addr addrs[FL_MAX_ADDRS];
  int naddrs = fl_resolve(url->host, url->port, addrs, FL_MAX_ADDRS);
  if (naddrs <= 0) {
    if (opts.verbose) fprintf(stderr, "* Could not resolve host: %s\n", url->host);
    return fail_with(6, "Could not resolve host: %s", url->host);
  }
  int fd = -1, err = 0;
  char ip[FL_ADDRSTRLEN];
  for (int i = 0; i < naddrs && fd < 0; i++) {
    fl_format_ip(&addrs[i], ip, sizeof ip);
    if (opts.verbose) fprintf(stderr, "*   Trying %s:%d...\n", ip, url->port);
    fd = fl_connect_addr(&addrs[i]);
    if (fd < 0) err = errno;
  }
  if (fd < 0) {
    if (opts.verbose) fprintf(stderr, "* connect to %s port %d failed: %s\n", ip, url->port, strerror(err));
    return fail_with(7, "Failed to connect to %s port %d: %s", url->host, url->port, strerror(err));
  }
  if (opts.verbose) fprintf(stderr, "* Connected to %s (%s) port %d\n", url->host, ip, url->port);

  struct fl_buf req = {0};
  if (build_request(&req, url, method, send_body) < 0) {
    close(fd);
    free(req.data);
    return fail_with(27, "Out of memory");
  }
  if (opts.verbose) {
    size_t head_len = req.len - (send_body ? opts.data_len : 0);
    verbose_block("> ", req.data, head_len - 2);  // without the final blank line
    fprintf(stderr, "> \n");
  }
  int rc = fl_write_all(fd, req.data, req.len, 1);
  free(req.data);
  if (rc < 0) {
    int e = errno;
    close(fd);
    return fail_with(55, "Send failure: %s", strerror(e));
  }

  http_response_reset(resp, strcmp(method, "HEAD") == 0 || opts.head);
  static char buf[16384];  // not on the stack: wasm stacks are 64 KiB
  int code = 0;
  for (;;) {
    if (opts.max_time > 0) {
      int64_t left = started + (int64_t)(opts.max_time * 1000) - now_ms();
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      int ready = left > 0 ? poll(&pfd, 1, left > 1000000000 ? 1000000000 : (int)left) : 0;
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        code = fail_with(28, "Operation timed out after %" PRId64 " milliseconds with %" PRIu64 " bytes received",
                         now_ms() - started, resp->body_bytes);
        break;
      }
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      code = fail_with(56, "Recv failure: %s", strerror(errno));
      break;
    }
    if (n == 0) {
      if (resp->received == 0) {
        code = fail_with(52, "Empty reply from server");
      } else if (!http_response_eof(resp)) {
        if (resp->state == HTTP_HEAD) {
          code = fail_with(56, "Recv failure: connection closed in the middle of the response headers");
        } else if (resp->state == HTTP_BODY_LENGTH) {
          code = fail_with(18, "transfer closed with %" PRIu64 " bytes remaining to read", resp->remaining);
        } else {
          code = fail_with(18, "transfer closed with outstanding read data remaining");
        }
      }
      break;
    }
    if (http_response_feed(resp, buf, (size_t)n, on_head, on_body, t) < 0) {
      if (t->http_error) code = fail_with(22, "The requested URL returned error: %d", t->http_error);
      else if (t->write_failed) code = fail_with(23, "Failure writing output to destination");
      else code = fail_with(8, "%s", resp->error ? resp->error : "Weird server reply");
      break;
    }
    if (resp->state == HTTP_DONE) break;
  }
  if (opts.verbose && code == 0) {
    if (resp->keep_alive) fprintf(stderr, "* Connection #0 to host %s left intact\n", url->host);
    else fprintf(stderr, "* Closing connection\n");
  }
  close(fd);
  return code;
}

int curl_main(int argc, char **argv) {
  fl_net_init();
  memset(&opts, 0, sizeof opts);
  int rc = parse_args(argc, argv);
  if (rc == -1) {
    print_help();
    return 0;
  }
  if (rc) return rc;
  if (!opts.url) {
    fprintf(stderr, "curl: no URL specified\ncurl: try 'curl --help' for more information\n");
    return 2;
  }

  struct url url;
  enum url_error uerr = url_parse(opts.url, &url);
  if (uerr == URL_UNSUPPORTED_SCHEME) return fail_with(1, "Protocol \"%s\" not supported", url.scheme);
  if (uerr) return fail_with(3, "%s", url_error_text(uerr));

  const char *method = opts.method ? opts.method : opts.head ? "HEAD" : opts.data ? "POST" : "GET";
  int send_body = opts.data != NULL;
  struct transfer t = { .opt = &opts, .out_fd = -1 };
  struct http_response resp;
  http_response_init(&resp, 0);
  int64_t started = now_ms();
  int code = 0;
  for (int redirects = 0;; redirects++) {
    t.discard_body = 0;
    code = do_request(&url, method, send_body, &t, &resp, started);
    if (code || !opts.follow || !is_redirect(resp.status)) break;
    const char *location;
    size_t location_len;
    if (!http_header(&resp, "Location", &location, &location_len)) break;
    if (redirects == MAX_REDIRECTS) {
      code = fail_with(47, "Maximum (%d) redirects followed", MAX_REDIRECTS);
      break;
    }
    struct url next;
    uerr = url_resolve(&url, location, location_len, &next);
    if (uerr == URL_UNSUPPORTED_SCHEME) {
      code = fail_with(1, "Protocol \"%s\" not supported", next.scheme);
      break;
    }
    if (uerr) {
      code = fail_with(3, "%s", url_error_text(uerr));
      break;
    }
    if (opts.verbose) fprintf(stderr, "* Issue another request to this URL: 'http://%s%s'\n", next.authority, next.path);
    // 303, and 301/302 after a POST, continue with GET (as browsers and curl do)
    if (resp.status == 303 || ((resp.status == 301 || resp.status == 302) && strcmp(method, "POST") == 0)) {
      if (!opts.method || resp.status == 303) method = opts.head ? "HEAD" : "GET";
      send_body = 0;
    }
    url = next;
  }
  // An empty successful body still creates -o FILE.
  if (code == 0 && !t.discard_body && open_output(&t) < 0) code = fail_with(23, "Failure writing output to destination");
  if (t.out_fd > 1 && close(t.out_fd) < 0 && code == 0) code = fail_with(23, "Failure writing output to destination");
  http_response_free(&resp);
  free(opts.data);
  free(opts.headers);
  return code;
}
