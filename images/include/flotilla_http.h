/*
 * flotilla_http.h: the text helpers HTTP/1.1 parsing needs on both sides,
 * shared by httpd (requests) and nettools (responses): case-insensitive
 * comparison, header lines, comma-separated header values.
 */
#ifndef FLOTILLA_HTTP_H
#define FLOTILLA_HTTP_H

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/** strncasecmp for ASCII, whatever the locale. */
static inline int fl_casecmp_n(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int ca = tolower((unsigned char)a[i]), cb = tolower((unsigned char)b[i]);
    if (ca != cb) return ca - cb;
  }
  return 0;
}

/** Whether the `len` bytes at s equal the NUL-terminated word, ignoring ASCII case. */
static inline int fl_span_is(const char *s, size_t len, const char *word) {
  return strlen(word) == len && fl_casecmp_n(s, word, len) == 0;
}

/** The next line of text[*pos, end): its start and length without CR/LF; 0 at the end. */
static inline int fl_next_line(const char *text, size_t end, size_t *pos, const char **line, size_t *len) {
  if (*pos >= end) return 0;
  const char *start = text + *pos;
  const char *nl = memchr(start, '\n', end - *pos);
  size_t n = nl ? (size_t)(nl - start) : end - *pos;
  *pos += n + (nl ? 1 : 0);
  if (n > 0 && start[n - 1] == '\r') n--;
  *line = start;
  *len = n;
  return 1;
}

/** Whether a comma-separated header value (Connection, Transfer-Encoding) lists `token`, ignoring case. */
static inline int fl_list_has(const char *value, size_t len, const char *token) {
  size_t i = 0;
  while (i < len) {
    while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) i++;
    size_t start = i;
    while (i < len && value[i] != ',') i++;
    size_t stop = i;
    while (stop > start && (value[stop - 1] == ' ' || value[stop - 1] == '\t')) stop--;
    if (stop > start && fl_span_is(value + start, stop - start, token)) return 1;
  }
  return 0;
}

#endif
