// resp.c: RESP2 parsing and the buffers kv and kv-cli share (resp.h).
#include "resp.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------
// Buffers

// ---------------------------------------------------------------------------
// Arguments

void args_reset(struct args *a) {
  for (int i = 0; i < a->argc; i++) free(a->argv[i]);
  a->argc = 0;
}

void args_free(struct args *a) {
  args_reset(a);
  free(a->argv);
  free(a->len);
  a->argv = NULL;
  a->len = NULL;
  a->cap = 0;
}

int args_push(struct args *a, const char *s, size_t len) {
  if (a->argc == a->cap) {
    int cap = a->cap ? a->cap * 2 : 8;
    char **argv = realloc(a->argv, (size_t)cap * sizeof *argv);
    if (!argv) return -1;
    a->argv = argv;
    size_t *lens = realloc(a->len, (size_t)cap * sizeof *lens);
    if (!lens) return -1;
    a->len = lens;
    a->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  if (len) memcpy(copy, s, len);
  copy[len] = '\0';
  a->argv[a->argc] = copy;
  a->len[a->argc] = len;
  a->argc++;
  return 0;
}

// ---------------------------------------------------------------------------
// Parsing helpers

// Index of the "\r\n" ending the line that starts at buf[from], or -1.
static long find_crlf(const char *buf, size_t len, size_t from) {
  for (size_t i = from; i + 1 < len; i++) {
    if (buf[i] == '\r' && buf[i + 1] == '\n') return (long)i;
  }
  return -1;
}

// A signed decimal number filling exactly buf[0..len) (what redis's string2ll accepts).
int resp_parse_ll(const char *s, size_t len, long long *out) {
  if (len == 0 || len > 20) return -1;
  size_t i = 0;
  int negative = 0;
  if (s[0] == '-') {
    negative = 1;
    i = 1;
    if (len == 1) return -1;
  }
  if (s[i] == '0' && (len > i + 1 || negative)) return -1;  // no leading zeros, no "-0"
  unsigned long long v = 0;
  for (; i < len; i++) {
    if (!isdigit((unsigned char)s[i])) return -1;
    unsigned digit = (unsigned)(s[i] - '0');
    if (v > (ULLONG_MAX - digit) / 10) return -1;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > (unsigned long long)LLONG_MAX + 1) return -1;
    *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
  } else {
    if (v > (unsigned long long)LLONG_MAX) return -1;
    *out = (long long)v;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Commands

static long parse_multibulk(const char *buf, size_t len, struct args *out, const char **error) {
  long eol = find_crlf(buf, len, 1);
  if (eol < 0) {
    if (len > RESP_MAX_INLINE) {
      *error = "Protocol error: too big mbulk count string";
      return -1;
    }
    return 0;
  }
  long long count;
  if (resp_parse_ll(buf + 1, (size_t)eol - 1, &count) < 0 || count > RESP_MAX_ARGS) {
    *error = "Protocol error: invalid multibulk length";
    return -1;
  }
  size_t pos = (size_t)eol + 2;
  for (long long i = 0; i < count; i++) {  // count <= 0: an empty command, as redis
    if (pos >= len) return 0;
    if (buf[pos] != '$') {
      *error = "Protocol error: expected '$'";
      return -1;
    }
    eol = find_crlf(buf, len, pos + 1);
    if (eol < 0) {
      if (len - pos > 32) {
        *error = "Protocol error: invalid bulk length";
        return -1;
      }
      return 0;
    }
    long long blen;
    if (resp_parse_ll(buf + pos + 1, (size_t)eol - pos - 1, &blen) < 0 || blen < 0 || blen > RESP_MAX_BULK) {
      *error = "Protocol error: invalid bulk length";
      return -1;
    }
    size_t start = (size_t)eol + 2;
    if (len - start < (size_t)blen + 2) return 0;
    if (buf[start + blen] != '\r' || buf[start + blen + 1] != '\n') {
      *error = "Protocol error: expected CRLF after a bulk string";
      return -1;
    }
    if (args_push(out, buf + start, (size_t)blen) < 0) {
      *error = "out of memory";
      return -1;
    }
    pos = start + (size_t)blen + 2;
  }
  return (long)pos;
}

long resp_parse_command(const char *buf, size_t len, struct args *out, const char **error) {
  args_reset(out);
  if (len == 0) return 0;
  long rc;
  if (buf[0] == '*') {
    rc = parse_multibulk(buf, len, out, error);
  } else {
    const char *nl = memchr(buf, '\n', len);
    if (!nl) {
      if (len > RESP_MAX_INLINE) {
        *error = "Protocol error: too big inline request";
        return -1;
      }
      return 0;
    }
    size_t line_len = (size_t)(nl - buf);
    size_t content = line_len > 0 && buf[line_len - 1] == '\r' ? line_len - 1 : line_len;
    if (resp_split_line(buf, content, out) < 0) {
      *error = "Protocol error: unbalanced quotes in request";
      return -1;
    }
    rc = (long)line_len + 1;
  }
  if (rc <= 0) args_reset(out);
  return rc;
}

static int hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int resp_split_line(const char *line, size_t len, struct args *out) {
  args_reset(out);
  struct fl_buf token = {0};
  size_t i = 0;
  int rc = 0;
  for (;;) {
    while (i < len && isspace((unsigned char)line[i])) i++;
    if (i >= len) break;
    int in_double = 0, in_single = 0, done = 0;
    token.len = 0;
    while (!done) {
      if (i >= len) {
        if (in_double || in_single) rc = -1;  // unbalanced quotes
        break;
      }
      char c = line[i];
      if (in_double) {
        int h1, h2;
        if (c == '\\' && i + 3 < len && line[i + 1] == 'x' && (h1 = hex_digit((unsigned char)line[i + 2])) >= 0 &&
            (h2 = hex_digit((unsigned char)line[i + 3])) >= 0) {
          char byte = (char)(h1 * 16 + h2);
          if (fl_buf_append(&token, &byte, 1) < 0) rc = -1;
          i += 3;
        } else if (c == '\\' && i + 1 < len) {
          char e = line[++i];
          char byte = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e == 'a' ? '\a' : e;
          if (fl_buf_append(&token, &byte, 1) < 0) rc = -1;
        } else if (c == '"') {
          if (i + 1 < len && !isspace((unsigned char)line[i + 1])) rc = -1;  // "foo"bar
          done = 1;
        } else if (fl_buf_append(&token, &c, 1) < 0) {
          rc = -1;
        }
      } else if (in_single) {
        if (c == '\\' && i + 1 < len && line[i + 1] == '\'') {
          if (fl_buf_append(&token, "'", 1) < 0) rc = -1;
          i++;
        } else if (c == '\'') {
          if (i + 1 < len && !isspace((unsigned char)line[i + 1])) rc = -1;
          done = 1;
        } else if (fl_buf_append(&token, &c, 1) < 0) {
          rc = -1;
        }
      } else if (isspace((unsigned char)c)) {
        done = 1;
      } else if (c == '"') {
        in_double = 1;
      } else if (c == '\'') {
        in_single = 1;
      } else if (fl_buf_append(&token, &c, 1) < 0) {
        rc = -1;
      }
      if (rc < 0) break;
      i++;
    }
    if (rc < 0) break;
    if (args_push(out, token.data ? token.data : "", token.len) < 0) {
      rc = -1;
      break;
    }
  }
  fl_buf_free(&token);
  if (rc < 0) args_reset(out);
  return rc;
}

// ---------------------------------------------------------------------------
// Replies

void reply_free(struct reply *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n; i++) reply_free(r->elems[i]);
  free(r->elems);
  free(r->str);
  free(r);
}

static long parse_reply(const char *buf, size_t len, struct reply **out, int depth, const char **error) {
  *out = NULL;
  if (len == 0) return 0;
  if (depth > RESP_MAX_DEPTH) {
    *error = "reply nested too deeply";
    return -1;
  }
  long eol = find_crlf(buf, len, 1);
  if (eol < 0) {
    if (len > RESP_MAX_BULK) {
      *error = "reply line too long";
      return -1;
    }
    return 0;
  }
  struct reply *r = calloc(1, sizeof *r);
  if (!r) {
    *error = "out of memory";
    return -1;
  }
  size_t pos = (size_t)eol + 2;
  const char *line = buf + 1;
  size_t line_len = (size_t)eol - 1;
  switch (buf[0]) {
    case '+':
    case '-':
      r->type = buf[0] == '+' ? REPLY_STATUS : REPLY_ERROR;
      r->str = malloc(line_len + 1);
      if (!r->str) goto oom;
      memcpy(r->str, line, line_len);
      r->str[line_len] = '\0';
      r->len = line_len;
      break;
    case ':':
      r->type = REPLY_INTEGER;
      if (resp_parse_ll(line, line_len, &r->integer) < 0) goto bad;
      break;
    case '$': {
      long long blen;
      if (resp_parse_ll(line, line_len, &blen) < 0 || blen < -1 || blen > RESP_MAX_BULK) goto bad;
      if (blen == -1) {
        r->type = REPLY_NIL;
        break;
      }
      if (len - pos < (size_t)blen + 2) {
        reply_free(r);
        return 0;
      }
      if (buf[pos + blen] != '\r' || buf[pos + blen + 1] != '\n') goto bad;
      r->type = REPLY_BULK;
      r->str = malloc((size_t)blen + 1);
      if (!r->str) goto oom;
      memcpy(r->str, buf + pos, (size_t)blen);
      r->str[blen] = '\0';
      r->len = (size_t)blen;
      pos += (size_t)blen + 2;
      break;
    }
    case '*': {
      long long count;
      if (resp_parse_ll(line, line_len, &count) < 0 || count < -1 || count > RESP_MAX_ARGS) goto bad;
      if (count == -1) {
        r->type = REPLY_NIL;
        break;
      }
      r->type = REPLY_ARRAY;
      if (count > 0) {
        r->elems = calloc((size_t)count, sizeof *r->elems);
        if (!r->elems) goto oom;
      }
      for (long long i = 0; i < count; i++) {
        long used = parse_reply(buf + pos, len - pos, &r->elems[i], depth + 1, error);
        if (used <= 0) {
          reply_free(r);
          return used;
        }
        r->n++;
        pos += (size_t)used;
      }
      break;
    }
    default:
      goto bad;
  }
  *out = r;
  return (long)pos;

bad:
  reply_free(r);
  *error = "Protocol error: malformed reply";
  return -1;
oom:
  reply_free(r);
  *error = "out of memory";
  return -1;
}

long resp_parse_reply(const char *buf, size_t len, struct reply **out, const char **error) {
  return parse_reply(buf, len, out, 0, error);
}
