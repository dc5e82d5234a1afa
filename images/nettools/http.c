// http.c: URL parsing and the incremental HTTP/1.1 response parser (http.h).
#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------
// URLs

const char *url_error_text(enum url_error error) {
  switch (error) {
    case URL_OK: return "no error";
    case URL_UNSUPPORTED_SCHEME: return "Protocol not supported";
    case URL_MALFORMED: return "URL rejected: Malformed input to a URL function";
    case URL_NO_HOST: return "URL rejected: No host part in the URL";
    case URL_BAD_PORT: return "URL rejected: Port number was not a decimal number between 0 and 65535";
    case URL_TOO_LONG: return "URL rejected: URL is too long";
  }
  return "URL rejected";
}

static int is_host_char(unsigned char c) {
  return isalnum(c) || c == '-' || c == '.' || c == '_';
}

enum url_error url_parse(const char *text, struct url *out) {
  memset(out, 0, sizeof *out);
  snprintf(out->scheme, sizeof out->scheme, "http");
  const char *p = text;

  // A scheme is letters, digits, "+-." before "://".
  size_t scheme_len = 0;
  while (isalnum((unsigned char)p[scheme_len]) || (p[scheme_len] && strchr("+-.", p[scheme_len]))) scheme_len++;
  if (scheme_len > 0 && strncmp(p + scheme_len, "://", 3) == 0) {
    snprintf(out->scheme, sizeof out->scheme, "%.*s", (int)scheme_len, p);
    if (!fl_span_is(p, scheme_len, "http")) return URL_UNSUPPORTED_SCHEME;
    p += scheme_len + 3;
  }

  size_t auth_len = strcspn(p, "/?#");
  if (auth_len == 0) return URL_NO_HOST;
  if (memchr(p, '@', auth_len)) return URL_MALFORMED;  // no user:password@ support
  const char *host = p, *port = NULL;
  size_t host_len, port_len = 0;
  if (p[0] == '[') {  // [IPv6]
    const char *close = memchr(p, ']', auth_len);
    if (!close) return URL_MALFORMED;
    host = p + 1;
    host_len = (size_t)(close - host);
    for (size_t i = 0; i < host_len; i++) {
      if (!isxdigit((unsigned char)host[i]) && host[i] != ':' && host[i] != '.') return URL_MALFORMED;
    }
    const char *after = close + 1;
    if (after < p + auth_len) {
      if (*after != ':') return URL_MALFORMED;
      port = after + 1;
      port_len = (size_t)(p + auth_len - port);
    }
  } else {
    const char *colon = memchr(p, ':', auth_len);
    host_len = colon ? (size_t)(colon - p) : auth_len;
    if (colon) {
      port = colon + 1;
      port_len = (size_t)(p + auth_len - port);
    }
    for (size_t i = 0; i < host_len; i++) {
      if (!is_host_char((unsigned char)host[i])) return URL_MALFORMED;
    }
  }
  if (host_len == 0) return URL_NO_HOST;
  if (host_len >= sizeof out->host) return URL_TOO_LONG;
  memcpy(out->host, host, host_len);
  out->host[host_len] = '\0';

  out->port = 80;
  if (port && port_len > 0) {  // "host:" alone keeps the default, as curl does
    long value = 0;
    for (size_t i = 0; i < port_len; i++) {
      if (!isdigit((unsigned char)port[i]) || i >= 5) return URL_BAD_PORT;
      value = value * 10 + (port[i] - '0');
    }
    if (value < 1 || value > 65535) return URL_BAD_PORT;
    out->port = (int)value;
  }

  const char *path = p + auth_len;
  size_t path_len = strcspn(path, "#");
  for (size_t i = 0; i < path_len; i++) {
    unsigned char c = (unsigned char)path[i];
    if (c <= ' ' || c == 0x7f) return URL_MALFORMED;
  }
  const char *prefix = path_len == 0 || path[0] == '?' ? "/" : "";
  if (strlen(prefix) + path_len >= sizeof out->path) return URL_TOO_LONG;
  snprintf(out->path, sizeof out->path, "%s%.*s", prefix, (int)path_len, path);

  int v6 = strchr(out->host, ':') != NULL;
  char port_text[8] = "";
  if (out->port != 80) snprintf(port_text, sizeof port_text, ":%d", out->port);
  snprintf(out->authority, sizeof out->authority, "%s%s%s%s", v6 ? "[" : "", out->host, v6 ? "]" : "", port_text);
  return URL_OK;
}

enum url_error url_resolve(const struct url *base, const char *location, size_t len, struct url *out) {
  char *text = malloc(len + sizeof base->authority + sizeof base->path + 16);
  if (!text) return URL_TOO_LONG;
  size_t scheme_len = 0;
  while (scheme_len < len && isalpha((unsigned char)location[scheme_len])) scheme_len++;
  if (scheme_len > 0 && len - scheme_len >= 3 && memcmp(location + scheme_len, "://", 3) == 0) {
    sprintf(text, "%.*s", (int)len, location);                       // absolute
  } else if (len >= 2 && location[0] == '/' && location[1] == '/') {
    sprintf(text, "http:%.*s", (int)len, location);                  // scheme-relative
  } else if (len >= 1 && location[0] == '/') {
    sprintf(text, "http://%s%.*s", base->authority, (int)len, location);  // absolute path
  } else {                                                           // relative to the base's directory
    size_t dir = strcspn(base->path, "?");
    while (dir > 0 && base->path[dir - 1] != '/') dir--;
    sprintf(text, "http://%s%.*s%.*s", base->authority, (int)dir, base->path, (int)len, location);
  }
  enum url_error error = url_parse(text, out);
  free(text);
  return error;
}

// ---------------------------------------------------------------------------
// Responses

void http_response_init(struct http_response *r, int no_body) {
  memset(r, 0, sizeof *r);
  r->no_body = no_body;
  r->state = HTTP_HEAD;
}

void http_response_reset(struct http_response *r, int no_body) {
  char *head = r->head;
  size_t cap = r->head_cap;
  http_response_init(r, no_body);
  r->head = head;
  r->head_cap = cap;
}

void http_response_free(struct http_response *r) {
  free(r->head);
  r->head = NULL;
  r->head_cap = r->head_len = 0;
}

static int fail(struct http_response *r, const char *why) {
  r->state = HTTP_ERROR;
  r->error = why;
  return -1;
}

int http_header(const struct http_response *r, const char *name, const char **value, size_t *len) {
  size_t pos = 0;
  const char *line;
  size_t line_len;
  if (!fl_next_line(r->head, r->head_len, &pos, &line, &line_len)) return 0;  // status line
  size_t name_len = strlen(name);
  while (fl_next_line(r->head, r->head_len, &pos, &line, &line_len) && line_len > 0) {
    if (line_len <= name_len || line[name_len] != ':' || fl_casecmp_n(line, name, name_len) != 0) continue;
    const char *v = line + name_len + 1;
    size_t n = line_len - name_len - 1;
    while (n && (*v == ' ' || *v == '\t')) v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    *value = v;
    *len = n;
    return 1;
  }
  return 0;
}

// Parses the complete header block in r->head.
static int parse_head(struct http_response *r) {
  size_t pos = 0;
  const char *line;
  size_t len;
  if (!fl_next_line(r->head, r->head_len, &pos, &line, &len)) return fail(r, "empty response head");
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)line[7]) || line[8] != ' ' ||
      !isdigit((unsigned char)line[9]) || !isdigit((unsigned char)line[10]) || !isdigit((unsigned char)line[11]) ||
      (len > 12 && line[12] != ' ')) {
    return fail(r, "Weird server reply");
  }
  r->minor = line[7] - '0';
  r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (r->status < 100) return fail(r, "Weird server reply");
  r->chunked = r->has_length = 0;
  r->content_length = 0;
  int conn_close = 0, conn_keep_alive = 0;
  while (fl_next_line(r->head, r->head_len, &pos, &line, &len) && len > 0) {
    const char *colon = memchr(line, ':', len);
    if (!colon) continue;  // obsolete line folding or junk: tolerated, as curl does
    size_t name_len = (size_t)(colon - line);
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    while (value_len && (*value == ' ' || *value == '\t')) value++, value_len--;
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) value_len--;
    if (fl_span_is(line, name_len, "content-length")) {
      if (value_len == 0 || value_len > 18) return fail(r, "Invalid Content-Length value");
      uint64_t n = 0;
      for (size_t i = 0; i < value_len; i++) {
        if (!isdigit((unsigned char)value[i])) return fail(r, "Invalid Content-Length value");
        n = n * 10 + (uint64_t)(value[i] - '0');
      }
      if (r->has_length && n != r->content_length) return fail(r, "Conflicting Content-Length values");
      r->has_length = 1;
      r->content_length = n;
    } else if (fl_span_is(line, name_len, "transfer-encoding")) {
      if (fl_list_has(value, value_len, "chunked")) r->chunked = 1;
    } else if (fl_span_is(line, name_len, "connection")) {
      if (fl_list_has(value, value_len, "close")) conn_close = 1;
      if (fl_list_has(value, value_len, "keep-alive")) conn_keep_alive = 1;
    }
  }
  r->keep_alive = r->minor >= 1 ? !conn_close : (conn_keep_alive && !conn_close);
  return 0;
}

// Picks how the body is framed once the final head is known.
static void start_body(struct http_response *r) {
  if (r->no_body || r->status == 204 || r->status == 304 || (r->status >= 100 && r->status < 200)) {
    r->state = HTTP_DONE;
  } else if (r->chunked) {
    r->state = HTTP_CHUNK_SIZE;
    r->line_len = 0;
  } else if (r->has_length) {
    r->remaining = r->content_length;
    r->state = r->remaining ? HTTP_BODY_LENGTH : HTTP_DONE;
  } else {
    r->state = HTTP_BODY_EOF;
    r->keep_alive = 0;  // only the close ends it
  }
}

// One chunk-size, chunk-end or trailer line (without CR/LF).
static int chunk_line(struct http_response *r, const char *line, size_t len) {
  switch (r->state) {
    case HTTP_CHUNK_SIZE: {
      uint64_t size = 0;
      size_t i = 0;
      for (; i < len && isxdigit((unsigned char)line[i]); i++) {
        if (i >= 15) return fail(r, "chunk size too large");
        int c = tolower((unsigned char)line[i]);
        size = size * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
      }
      if (i == 0) return fail(r, "invalid chunk size");
      while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
      if (i < len && line[i] != ';') return fail(r, "invalid chunk size");  // ";extension" is ignored
      if (size == 0) {
        r->state = HTTP_TRAILER;
      } else {
        r->remaining = size;
        r->state = HTTP_CHUNK_DATA;
      }
      return 0;
    }
    case HTTP_CHUNK_END:
      if (len != 0) return fail(r, "missing CRLF after chunk data");
      r->state = HTTP_CHUNK_SIZE;
      return 0;
    case HTTP_TRAILER:
      if (len == 0) r->state = HTTP_DONE;
      return 0;
    default:
      return fail(r, "internal error: not a line state");
  }
}

long http_response_feed(struct http_response *r, const char *data, size_t len,
                        http_head_fn on_head, http_body_fn on_body, void *ctx) {
  size_t pos = 0;
  while (pos < len && r->state != HTTP_DONE && r->state != HTTP_ERROR) {
    const char *p = data + pos;
    size_t avail = len - pos;
    switch (r->state) {
      case HTTP_HEAD: {
        size_t old = r->head_len;
        size_t take = avail;
        if (take > HTTP_MAX_HEAD - old) take = HTTP_MAX_HEAD - old;
        if (old + take > r->head_cap) {
          size_t cap = r->head_cap ? r->head_cap : 1024;
          while (cap < old + take) cap *= 2;
          char *head = realloc(r->head, cap);
          if (!head) return fail(r, "out of memory");
          r->head = head;
          r->head_cap = cap;
        }
        memcpy(r->head + old, p, take);
        // The blank line may straddle what we had and what arrived.
        size_t end = 0;
        for (size_t i = old > 3 ? old - 3 : 0; i < old + take && !end; i++) {
          if (r->head[i] != '\n') continue;
          if (i + 1 < old + take && r->head[i + 1] == '\n') end = i + 2;
          else if (i + 2 < old + take && r->head[i + 1] == '\r' && r->head[i + 2] == '\n') end = i + 3;
        }
        if (!end) {
          r->head_len = old + take;
          pos += take;
          if (r->head_len >= HTTP_MAX_HEAD) return fail(r, "Too large response headers");
          break;
        }
        r->head_len = end;
        pos += end - old;
        if (parse_head(r) < 0) return -1;
        if (on_head && on_head(ctx, r) < 0) {
          r->state = HTTP_ERROR;
          r->error = NULL;
          return -1;
        }
        if (r->status >= 100 && r->status < 200 && r->status != 101) {
          r->head_len = 0;  // an interim response: the real one follows
          break;
        }
        start_body(r);
        break;
      }
      case HTTP_BODY_LENGTH:
      case HTTP_CHUNK_DATA:
      case HTTP_BODY_EOF: {
        size_t n = avail;
        if (r->state != HTTP_BODY_EOF && n > r->remaining) n = (size_t)r->remaining;
        if (on_body && on_body(ctx, p, n) < 0) {
          r->state = HTTP_ERROR;
          r->error = NULL;
          return -1;
        }
        pos += n;
        r->body_bytes += n;
        if (r->state != HTTP_BODY_EOF) {
          r->remaining -= n;
          if (r->remaining == 0) {
            if (r->state == HTTP_BODY_LENGTH) {
              r->state = HTTP_DONE;
            } else {
              r->state = HTTP_CHUNK_END;
              r->line_len = 0;
            }
          }
        }
        break;
      }
      case HTTP_CHUNK_SIZE:
      case HTTP_CHUNK_END:
      case HTTP_TRAILER: {
        const char *nl = memchr(p, '\n', avail);
        size_t n = nl ? (size_t)(nl - p) : avail;
        if (r->line_len + n > sizeof r->line) return fail(r, "chunk header line too long");
        memcpy(r->line + r->line_len, p, n);
        r->line_len += n;
        pos += n;
        if (!nl) break;
        pos++;  // the LF
        size_t line_len = r->line_len;
        if (line_len > 0 && r->line[line_len - 1] == '\r') line_len--;
        r->line_len = 0;
        if (chunk_line(r, r->line, line_len) < 0) return -1;
        break;
      }
      case HTTP_DONE:
      case HTTP_ERROR:
        break;
    }
  }
  r->received += pos;
  return (long)pos;
}

int http_response_eof(struct http_response *r) {
  if (r->state == HTTP_BODY_EOF) r->state = HTTP_DONE;
  return r->state == HTTP_DONE;
}
