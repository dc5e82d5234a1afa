// httpd: a small HTTP/1.1 static file server for Flotilla containers.
//
//   httpd [-p PORT] [-d DIR] [-q]
//
//   -p PORT   port to listen on (default 80)
//   -d DIR    document root (default /var/www)
//   -q        no access log
//
// One thread serves every client through poll(): persistent connections
// (HTTP/1.1 keep-alive, HTTP/1.0 with "Connection: keep-alive"),
// pipelined requests answered in order, GET and HEAD of regular files with
// Content-Length and a Content-Type from the file name. GET /healthz answers
// 200 "ok". When the document root has no index.html, "/" is a generated
// page naming the container (its hostname), so requests spread over several
// replicas show which one answered. Errors: 400 (malformed request), 403,
// 404, 405 (methods other than GET and HEAD), 414, 431, 505.
//
// Each request is logged on stdout in Common Log Format:
//   10.0.0.3:40312 - - [01/Jan/2025:00:00:00 +0000] "GET / HTTP/1.1" 200 512
// Start-up and errors go to stderr, prefixed "httpd: ".
//
// Exit status: runs until stopped; 1 if it cannot listen, 2 on a usage error.
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <flotilla_buf.h>
#include <flotilla_http.h>
#include <flotilla_net.h>

#define MAX_CONNS 512
#define MAX_HEAD 16384          // request line + headers
#define MAX_PATH 4096           // decoded request path
#define IO_CHUNK 16384          // file bytes read per send
#define IDLE_TIMEOUT_MS 30000   // a connection without traffic is closed after this
#define LINGER_MS 2000          // how long a closing connection's unread input is drained
#define MAX_DISCARD (1 << 20)   // request bodies up to this size are skipped on a kept connection

static const char *program = "httpd";

// ---------------------------------------------------------------------------
// Growable byte buffer

// struct fl_buf and its functions: images/include/flotilla_buf.h.

// ---------------------------------------------------------------------------
// Small helpers

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// RFC 9110 token characters (methods, header names).
static int is_tchar(unsigned char c) {
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

// The container's name: $HOSTNAME, /etc/hostname, gethostname(), "localhost".
static void get_hostname(char *out, size_t size) {
  const char *env = getenv("HOSTNAME");
  if (env && *env) {
    snprintf(out, size, "%s", env);
    return;
  }
  FILE *f = fopen("/etc/hostname", "r");
  if (f) {
    if (fgets(out, (int)size, f)) {
      out[strcspn(out, "\r\n")] = '\0';
      fclose(f);
      if (out[0]) return;
    } else {
      fclose(f);
    }
  }
  if (gethostname(out, size) == 0 && out[0] && strcmp(out, "(none)") != 0) {
    out[size - 1] = '\0';
    return;
  }
  snprintf(out, size, "localhost");
}

static const char *content_type(const char *path) {
  static const struct { const char *ext, *type; } types[] = {
    {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"}, {"xml", "application/xml"},
    {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"webp", "image/webp"},
    {"ico", "image/x-icon"}, {"wasm", "application/wasm"}, {"pdf", "application/pdf"},
    {"woff2", "font/woff2"}, {"mp4", "video/mp4"}, {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
  };
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash : path, '.');
  if (dot && dot[1]) {
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
      if (fl_span_is(dot + 1, strlen(dot + 1), types[i].ext)) return types[i].type;
    }
  }
  return "application/octet-stream";
}

static const char *reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

// ---------------------------------------------------------------------------
// Request parsing

struct request {
  const char *method; size_t method_len;
  const char *target; size_t target_len;
  const char *version; size_t version_len;  // as sent, for the log
  int minor;                  // HTTP/1.<minor>
  int has_host;
  int conn_close, conn_keep_alive;
  int chunked;                // Transfer-Encoding present: the body cannot be skipped
  uint64_t content_length;
};

// Finds the end of the header block in buf[0..len): the index just past the
// empty line, 0 if it has not arrived yet. Lines end in LF or CRLF.
static size_t head_end(const char *buf, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (buf[i] != '\n') continue;
    if (i + 1 < len && buf[i + 1] == '\n') return i + 2;
    if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
  }
  return 0;
}

// Parses the head in buf[0..end). Returns 0, or the status for a bad request.
static int parse_request(const char *buf, size_t end, struct request *req) {
  memset(req, 0, sizeof *req);
  size_t pos = 0;
  const char *line;
  size_t len;
  do {  // RFC 9112 2.2: ignore empty lines before the request line
    if (!fl_next_line(buf, end, &pos, &line, &len)) return 400;
  } while (len == 0);

  // METHOD SP TARGET SP HTTP/1.x
  const char *sp1 = memchr(line, ' ', len);
  if (!sp1) return 400;
  const char *rest = sp1 + 1;
  const char *sp2 = memchr(rest, ' ', len - (size_t)(rest - line));
  if (!sp2) return 400;
  req->method = line;
  req->method_len = (size_t)(sp1 - line);
  req->target = rest;
  req->target_len = (size_t)(sp2 - rest);
  const char *version = sp2 + 1;
  size_t version_len = len - (size_t)(version - line);
  req->version = version;
  req->version_len = version_len;
  if (req->method_len == 0 || req->target_len == 0) return 400;
  for (size_t i = 0; i < req->method_len; i++) {
    if (!is_tchar((unsigned char)req->method[i])) return 400;
  }
  for (size_t i = 0; i < req->target_len; i++) {
    unsigned char c = (unsigned char)req->target[i];
    if (c <= ' ' || c == 0x7f) return 400;
  }
  if (version_len != 8 || memcmp(version, "HTTP/", 5) != 0 || !isdigit((unsigned char)version[5]) ||
      version[6] != '.' || !isdigit((unsigned char)version[7])) {
    return 400;
  }
  if (version[5] != '1') return 505;
  req->minor = version[7] - '0';

  int have_length = 0;
  while (fl_next_line(buf, end, &pos, &line, &len) && len > 0) {
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line) return 400;
    size_t name_len = (size_t)(colon - line);
    for (size_t i = 0; i < name_len; i++) {
      if (!is_tchar((unsigned char)line[i])) return 400;  // also rejects "Name :"
    }
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    while (value_len && (*value == ' ' || *value == '\t')) value++, value_len--;
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) value_len--;

    if (fl_span_is(line, name_len, "host")) {
      if (req->has_host) return 400;
      req->has_host = 1;
    } else if (fl_span_is(line, name_len, "connection")) {
      if (fl_list_has(value, value_len, "close")) req->conn_close = 1;
      if (fl_list_has(value, value_len, "keep-alive")) req->conn_keep_alive = 1;
    } else if (fl_span_is(line, name_len, "transfer-encoding")) {
      req->chunked = 1;
    } else if (fl_span_is(line, name_len, "content-length")) {
      if (value_len == 0 || value_len > 15) return 400;
      uint64_t n = 0;
      for (size_t i = 0; i < value_len; i++) {
        if (!isdigit((unsigned char)value[i])) return 400;
        n = n * 10 + (uint64_t)(value[i] - '0');
      }
      if (have_length && n != req->content_length) return 400;
      have_length = 1;
      req->content_length = n;
    }
  }
  if (req->minor >= 1 && !req->has_host) return 400;
  return 0;
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Turns a request target into a normalised absolute path: query dropped,
// %XX decoded, "." and ".." resolved (a ".." above the root is an error),
// repeated slashes collapsed, a trailing slash kept. Returns 0 or a status.
static int target_to_path(const char *target, size_t len, char *out, size_t size) {
  // absolute-form (http://host/path) as proxies send it
  if (len > 7 && fl_casecmp_n(target, "http://", 7) == 0) {
    const char *slash = memchr(target + 7, '/', len - 7);
    if (!slash) {
      target = "/";
      len = 1;
    } else {
      len -= (size_t)(slash - target);
      target = slash;
    }
  }
  if (target[0] != '/') return 400;
  const char *q = memchr(target, '?', len);
  if (q) len = (size_t)(q - target);
  const char *hash = memchr(target, '#', len);
  if (hash) len = (size_t)(hash - target);

  char decoded[MAX_PATH];
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)target[i];
    if (c == '%') {
      int hi = i + 2 < len ? hex_value(target[i + 1]) : -1;
      int lo = i + 2 < len ? hex_value(target[i + 2]) : -1;
      if (hi < 0 || lo < 0) return 400;
      c = hi * 16 + lo;
      if (c < 0x20 || c == 0x7f) return 400;  // %00, %0d%0a, ...: never part of a file name here
      i += 2;
    }
    if (n + 1 >= sizeof decoded) return 414;
    decoded[n++] = (char)c;
  }
  decoded[n] = '\0';

  // Resolve the segments into out ("/a/b"; the root is "/"). A path that
  // ends in "/", "/." or "/.." names a directory and keeps a trailing slash.
  if (size < 2) return 414;
  size_t o = 0;
  out[o++] = '/';
  int directory = 1;
  const char *p = decoded;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *seg = p;
    while (*p && *p != '/') p++;
    size_t seg_len = (size_t)(p - seg);
    directory = *p == '/';
    if (seg_len == 1 && seg[0] == '.') {
      directory = 1;
    } else if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
      if (o == 1) return 400;  // above the document root
      while (o > 1 && out[o - 1] != '/') o--;
      if (o > 1) o--;          // the slash before the dropped segment
      directory = 1;
    } else {
      if (o + seg_len + 3 > size) return 414;  // separator, segment, trailing slash, NUL
      if (o > 1) out[o++] = '/';
      memcpy(out + o, seg, seg_len);
      o += seg_len;
    }
  }
  if (directory && o > 1) out[o++] = '/';
  out[o] = '\0';
  return 0;
}

// ---------------------------------------------------------------------------
// Connections

struct conn {
  int fd;
  char peer[FL_ADDRSTRLEN];
  char *in;                 // MAX_HEAD bytes
  size_t in_len;
  uint64_t discard;         // request body bytes still to drop
  int peer_eof;             // the client shut down its sending side
  struct fl_buf out;           // response bytes not yet sent
  size_t out_off;
  int file_fd;              // body still to stream from this file, or -1
  uint64_t file_left;
  int responding;           // a response is being sent
  int close_after;          // close once it is sent
  int lingering;            // response sent, our side shut down: draining until EOF
  int64_t last_active;
};

static struct conn *conns[MAX_CONNS];
static int nconns;

static const char *doc_root = "/var/www";
static char hostname[256];
static int access_log = 1;
static unsigned long long served;

static void conn_close(int index) {
  struct conn *c = conns[index];
  close(c->fd);
  if (c->file_fd >= 0) close(c->file_fd);
  free(c->in);
  free(c->out.data);
  free(c);
  conns[index] = conns[--nconns];
}

static void format_http_date(char *out, size_t size) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

// Appends s to the log line with control characters and quotes escaped.
static void log_escaped(FILE *f, const char *s, size_t len, size_t max) {
  for (size_t i = 0; i < len && i < max; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') fprintf(f, "\\x%02x", c);
    else fputc(c, f);
  }
  if (len > max) fputs("...", f);
}

static void log_request(const struct conn *c, const struct request *req, int status, uint64_t bytes) {
  if (!access_log) return;
  char when[64];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  printf("%s - - [%s] \"", c->peer, when);
  if (req && req->method) {
    log_escaped(stdout, req->method, req->method_len, 32);
    fputc(' ', stdout);
    log_escaped(stdout, req->target, req->target_len, 1024);
    fputc(' ', stdout);
    log_escaped(stdout, req->version, req->version_len, 16);
  } else {
    fputc('-', stdout);
  }
  printf("\" %d %" PRIu64 "\n", status, bytes);
  fflush(stdout);
}

// Queues the status line and headers. `length` is the body's Content-Length.
static int queue_head(struct conn *c, int status, const char *type, uint64_t length, const char *extra) {
  char date[64];
  format_http_date(date, sizeof date);
  return fl_buf_printf(&c->out,
                    "HTTP/1.1 %d %s\r\nServer: flotilla-httpd\r\nDate: %s\r\n"
                    "Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n%sConnection: %s\r\n\r\n",
                    status, reason_phrase(status), date, type, length, extra ? extra : "",
                    c->close_after ? "close" : "keep-alive");
}

// A complete response with a body from memory (none for HEAD).
static int queue_response(struct conn *c, const struct request *req, int head_only, int status,
                          const char *type, const char *body, size_t body_len, const char *extra) {
  if (queue_head(c, status, type, body_len, extra) < 0) return -1;
  if (!head_only && fl_buf_append(&c->out, body, body_len) < 0) return -1;
  log_request(c, req, status, head_only ? 0 : body_len);
  c->responding = 1;
  return 0;
}

static int queue_error(struct conn *c, const struct request *req, int head_only, int status, const char *extra) {
  char body[128];
  int n = snprintf(body, sizeof body, "%d %s\n", status, reason_phrase(status));
  return queue_response(c, req, head_only, status, "text/plain; charset=utf-8", body, (size_t)n, extra);
}

// Appends a decoded path percent-encoded for a URL (RFC 3986 path characters stay).
static void append_url_path(struct fl_buf *b, const char *path) {
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (isalnum(*p) || strchr("/-._~!$&'()*+,;=:@", *p)) fl_buf_append(b, p, 1);
    else fl_buf_printf(b, "%%%02X", *p);
  }
}

static void html_escape(struct fl_buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '<': fl_buf_append(b, "&lt;", 4); break;
      case '>': fl_buf_append(b, "&gt;", 4); break;
      case '&': fl_buf_append(b, "&amp;", 5); break;
      case '"': fl_buf_append(b, "&quot;", 6); break;
      default: fl_buf_append(b, s, 1);
    }
  }
}

static int queue_default_page(struct conn *c, const struct request *req, int head_only) {
  struct fl_buf page = {0};
  fl_buf_printf(&page, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
  html_escape(&page, hostname);
  fl_buf_printf(&page, "</title></head>\n<body>\n<h1>Hello from ");
  html_escape(&page, hostname);
  fl_buf_printf(&page, "</h1>\n<p>This page was served by httpd in container <b>");
  html_escape(&page, hostname);
  fl_buf_printf(&page, "</b> (request %llu to this server) to ", served);
  html_escape(&page, c->peer);
  fl_buf_printf(&page, ".</p>\n<p>Put an index.html into ");
  html_escape(&page, doc_root);
  fl_buf_printf(&page, " to serve your own page.</p>\n</body></html>\n");
  if (!page.data) return -1;
  int rc = queue_response(c, req, head_only, 200, "text/html; charset=utf-8", page.data, page.len, NULL);
  free(page.data);
  return rc;
}

// Opens the document for `path` (normalised, absolute) under the root: a
// regular file, or the index.html of a directory path ending in '/'.
// Returns the fd and its size, or -status: -301 for a directory named
// without its trailing slash, -403, -404, -414, -500.
static int open_document(const char *path, uint64_t *size, char *file, size_t file_size) {
  int ends_in_slash = path[strlen(path) - 1] == '/';
  int n = snprintf(file, file_size, "%s%s%s", doc_root, path, ends_in_slash ? "index.html" : "");
  if (n < 0 || (size_t)n >= file_size) return -414;
  struct stat st;
  if (stat(file, &st) < 0) return errno == EACCES ? -403 : -404;
  if (S_ISDIR(st.st_mode)) return ends_in_slash ? -403 : -301;
  if (!S_ISREG(st.st_mode)) return -403;
  int fd = open(file, O_RDONLY);
  if (fd < 0) return errno == EACCES ? -403 : errno == ENOENT ? -404 : -500;
  *size = (uint64_t)st.st_size;
  return fd;
}

// Whether the document root holds a directory at `path`.
static int is_directory(const char *path) {
  char dir[MAX_PATH + 256];
  int n = snprintf(dir, sizeof dir, "%s%s", doc_root, path);
  if (n < 0 || (size_t)n >= sizeof dir) return 0;
  struct stat st;
  return stat(dir[0] ? dir : "/", &st) == 0 && S_ISDIR(st.st_mode);
}

// Queues the response to one parsed request. Returns -1 if out of memory.
static int handle_request(struct conn *c, const struct request *req) {
  served++;
  int head_only = req->method_len == 4 && memcmp(req->method, "HEAD", 4) == 0;
  int is_get = req->method_len == 3 && memcmp(req->method, "GET", 3) == 0;
  int keep_alive = req->minor >= 1 ? !req->conn_close : (req->conn_keep_alive && !req->conn_close);
  // A request body is skipped to keep the connection; a large or chunked
  // one ends it instead (the lingering close drains what is in flight).
  int skip_body = !req->chunked && req->content_length <= MAX_DISCARD;
  if (!keep_alive || !skip_body) c->close_after = 1;
  c->discard = skip_body ? req->content_length : 0;

  if (!is_get && !head_only) return queue_error(c, req, 0, 405, "Allow: GET, HEAD\r\n");

  char path[MAX_PATH];
  int status = target_to_path(req->target, req->target_len, path, sizeof path);
  if (status) {
    c->close_after = 1;
    return queue_error(c, req, head_only, status, NULL);
  }
  if (strcmp(path, "/healthz") == 0) {
    return queue_response(c, req, head_only, 200, "text/plain; charset=utf-8", "ok\n", 3, NULL);
  }

  char file[MAX_PATH + 256];
  uint64_t size = 0;
  int fd = open_document(path, &size, file, sizeof file);
  if (fd == -301) {
    struct fl_buf location = {0};
    fl_buf_printf(&location, "Location: ");
    append_url_path(&location, path);
    fl_buf_printf(&location, "/\r\n");
    int rc = location.data ? queue_error(c, req, head_only, 301, location.data) : -1;
    free(location.data);
    return rc;
  }
  if (fd < 0) {
    int missing_index = path[strlen(path) - 1] == '/' && fd == -404;
    if (missing_index && strcmp(path, "/") == 0) return queue_default_page(c, req, head_only);
    if (missing_index && is_directory(path)) return queue_error(c, req, head_only, 403, NULL);
    return queue_error(c, req, head_only, -fd, NULL);
  }
  if (queue_head(c, 200, content_type(file), size, NULL) < 0) {
    close(fd);
    return -1;
  }
  log_request(c, req, 200, head_only ? 0 : size);
  c->responding = 1;
  if (head_only || size == 0) {
    close(fd);
  } else {
    c->file_fd = fd;
    c->file_left = size;
  }
  return 0;
}

// Answers every complete request in the input buffer, one at a time (a
// pipelined request waits until the response before it is sent). Returns -1
// when the connection should be closed now.
static int process_input(struct conn *c) {
  while (!c->responding) {
    if (c->discard > 0) {
      size_t drop = c->discard < c->in_len ? (size_t)c->discard : c->in_len;
      memmove(c->in, c->in + drop, c->in_len - drop);
      c->in_len -= drop;
      c->discard -= drop;
      if (c->discard > 0) return c->peer_eof ? -1 : 0;
    }
    size_t end = head_end(c->in, c->in_len);
    if (end == 0) {
      if (c->in_len == MAX_HEAD) {
        c->close_after = 1;
        return queue_error(c, NULL, 0, 431, NULL);
      }
      // Nothing more will come: close (an incomplete request gets no answer).
      return c->peer_eof ? -1 : 0;
    }
    struct request req;
    int status = parse_request(c->in, end, &req);
    int rc;
    if (status) {
      c->close_after = 1;
      rc = queue_error(c, req.method ? &req : NULL, 0, status, NULL);
    } else {
      rc = handle_request(c, &req);
    }
    if (rc < 0) return -1;
    memmove(c->in, c->in + end, c->in_len - end);
    c->in_len -= end;
  }
  return 0;
}

// Sends what it can. Returns -1 when the connection should be closed.
static int flush_output(struct conn *c) {
  for (;;) {
    if (c->out_off < c->out.len) {
      ssize_t n = fl_send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        return -1;
      }
      c->out_off += (size_t)n;
      c->last_active = now_ms();
      continue;
    }
    c->out.len = c->out_off = 0;
    if (c->file_fd >= 0) {
      size_t want = c->file_left < IO_CHUNK ? (size_t)c->file_left : IO_CHUNK;
      if (fl_buf_reserve(&c->out, want) < 0) return -1;
      ssize_t n = read(c->file_fd, c->out.data, want);
      if (n <= 0) return -1;  // the file shrank or failed: the length was promised
      c->out.len = (size_t)n;
      c->file_left -= (uint64_t)n;
      if (c->file_left == 0) {
        close(c->file_fd);
        c->file_fd = -1;
      }
      continue;
    }
    // Response complete.
    c->responding = 0;
    if (c->close_after) {
      // Closing with unread input makes TCP reset the connection, which can
      // destroy the response in flight: shut down our side and drain the
      // client's input for a while first (a "lingering close").
      if (c->peer_eof || shutdown(c->fd, SHUT_WR) < 0) return -1;
      c->lingering = 1;
      c->in_len = 0;
      c->last_active = now_ms();
      return 0;
    }
    if (process_input(c) < 0) return -1;
    if (!c->responding) return 0;
  }
}

static void on_readable(int index) {
  struct conn *c = conns[index];
  ssize_t n = recv(c->fd, c->in + c->in_len, MAX_HEAD - c->in_len, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) conn_close(index);
    return;
  }
  if (c->lingering) {  // drop the input; the client's EOF ends the connection
    if (n == 0) conn_close(index);
    return;
  }
  c->last_active = now_ms();
  if (n == 0) {
    c->peer_eof = 1;
  } else {
    c->in_len += (size_t)n;
  }
  int was_responding = c->responding;
  if (process_input(c) < 0 || (c->responding && !was_responding && flush_output(c) < 0) ||
      (c->peer_eof && !c->responding)) {
    conn_close(index);
  }
}

static void accept_clients(int listen_fd) {
  while (nconns < MAX_CONNS) {
    char peer[FL_ADDRSTRLEN];
    int fd = fl_accept(listen_fd, peer, sizeof peer);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
        fprintf(stderr, "%s: accept: %s\n", program, strerror(errno));
      }
      return;
    }
    struct conn *c = calloc(1, sizeof *c);
    char *in = malloc(MAX_HEAD);
    if (!c || !in || fl_set_nonblocking(fd, 1) < 0) {
      fprintf(stderr, "%s: dropping a connection from %s: %s\n", program, peer,
              !c || !in ? "out of memory" : strerror(errno));
      free(c);
      free(in);
      close(fd);
      continue;
    }
    (void)fl_set_nodelay(fd);
    c->fd = fd;
    c->in = in;
    c->file_fd = -1;
    c->last_active = now_ms();
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    conns[nconns++] = c;
  }
}

static int usage(int status) {
  fprintf(status ? stderr : stdout,
          "Usage: httpd [-p PORT] [-d DIR] [-q]\n"
          "Serves the files under DIR over HTTP/1.1 on PORT.\n"
          "  -p PORT  port to listen on (default 80)\n"
          "  -d DIR   document root (default /var/www); without an index.html,\n"
          "           / is a page naming this container\n"
          "  -q       no access log on stdout\n"
          "GET /healthz answers 200 \"ok\".\n"
          "Exit status: runs until stopped; 1 if it cannot listen, 2 on a usage error.\n");
  return status;
}

static int parse_port(const char *text) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < 1 || v > 65535) return -1;
  return (int)v;
}

int main(int argc, char **argv) {
  int port = 80;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-p") == 0 || strcmp(arg, "-d") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "%s: option %s needs an argument\n", program, arg);
        return usage(2);
      }
      const char *value = argv[++i];
      if (arg[1] == 'p') {
        if ((port = parse_port(value)) < 0) {
          fprintf(stderr, "%s: bad port '%s' (1-65535)\n", program, value);
          return 2;
        }
      } else {
        doc_root = value;
      }
    } else if (strcmp(arg, "-q") == 0) {
      access_log = 0;
    } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      return usage(0);
    } else {
      fprintf(stderr, "%s: unknown argument '%s'\n", program, arg);
      return usage(2);
    }
  }
  // "/srv/" and "/srv" are the same root; keep "/" as is.
  static char root_copy[MAX_PATH];
  snprintf(root_copy, sizeof root_copy, "%s", doc_root);
  for (size_t n = strlen(root_copy); n > 1 && root_copy[n - 1] == '/'; n--) root_copy[n - 1] = '\0';
  if (strcmp(root_copy, "/") == 0) root_copy[0] = '\0';
  doc_root = root_copy;

  fl_net_init();
  get_hostname(hostname, sizeof hostname);
  int listen_fd = fl_listen(port, 128);
  if (listen_fd < 0) {
    fprintf(stderr, "%s: cannot listen on port %d: %s\n", program, port, strerror(errno));
    return 1;
  }
  if (fl_set_nonblocking(listen_fd, 1) < 0) {
    fprintf(stderr, "%s: cannot make the listening socket non-blocking: %s\n", program, strerror(errno));
    return 1;
  }
  struct stat st;
  const char *shown_root = doc_root[0] ? doc_root : "/";
  if (stat(shown_root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "%s: warning: document root %s is not a directory; serving only / and /healthz\n",
            program, shown_root);
  }
  fprintf(stderr, "%s: %s listening on port %d, serving %s\n", program, hostname, port, shown_root);

  static struct pollfd pfds[MAX_CONNS + 1];
  static int owner[MAX_CONNS + 1];  // pfds index -> conns index
  for (;;) {
    int n = 0;
    if (nconns < MAX_CONNS) {
      pfds[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
      owner[n++] = -1;
    }
    for (int i = 0; i < nconns; i++) {
      struct conn *c = conns[i];
      short events = 0;
      if (c->lingering || (!c->peer_eof && c->in_len < MAX_HEAD)) events |= POLLIN;
      if (c->responding) events |= POLLOUT;
      if (!events) continue;  // wasi-libc's poll() needs POLLIN or POLLOUT
      pfds[n] = (struct pollfd){ .fd = c->fd, .events = events };
      owner[n++] = i;
    }
    int ready = poll(pfds, (nfds_t)n, nconns ? 1000 : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: poll: %s\n", program, strerror(errno));
      return 1;
    }
    // Walk backwards: closing conns[i] moves the last connection into slot i,
    // and every pfds entry after this one refers to a smaller index or -1.
    int accept_now = 0;
    for (int k = n - 1; k >= 0; k--) {
      short re = pfds[k].revents;
      if (!re) continue;
      if (owner[k] < 0) {
        accept_now = 1;
        continue;
      }
      int i = owner[k];
      if (re & POLLNVAL) {
        conn_close(i);
        continue;
      }
      if ((re & POLLOUT) && conns[i]->responding && flush_output(conns[i]) < 0) {
        conn_close(i);
        continue;
      }
      if (re & (POLLIN | POLLHUP | POLLERR)) on_readable(i);
    }
    // Idle connections (again backwards for the same reason).
    int64_t now = now_ms();
    for (int i = nconns - 1; i >= 0; i--) {
      int64_t limit = conns[i]->lingering ? LINGER_MS : IDLE_TIMEOUT_MS;
      if (now - conns[i]->last_active > limit) conn_close(i);
    }
    if (accept_now) accept_clients(listen_fd);
  }
}
