/*
 * flotilla_buf.h: a growable byte buffer for Flotilla's C programs (httpd,
 * kv, nettools). Every function returns 0, or -1 when memory runs out
 * (the buffer is then unchanged). Zero-initialise one (`struct fl_buf b = {0};`)
 * and give it back with fl_buf_free.
 */
#ifndef FLOTILLA_BUF_H
#define FLOTILLA_BUF_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fl_buf {
  char *data;
  size_t len, cap;
};

/** Room for `extra` more bytes (capacity doubles, from 256). */
static inline int fl_buf_reserve(struct fl_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len) return -1;
  size_t need = b->len + extra;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *data = realloc(b->data, cap);
  if (!data) return -1;
  b->data = data;
  b->cap = cap;
  return 0;
}

static inline int fl_buf_append(struct fl_buf *b, const void *data, size_t len) {
  if (fl_buf_reserve(b, len) < 0) return -1;
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
  return 0;
}

/** Appends printf-formatted text (no terminating NUL counted in len). */
static inline int fl_buf_printf(struct fl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int fl_buf_printf(struct fl_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || fl_buf_reserve(b, (size_t)n + 1) < 0) return -1;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

/** Drops the first `n` bytes (all of them when n ≥ len). */
static inline void fl_buf_consume(struct fl_buf *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

static inline void fl_buf_free(struct fl_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

#endif
