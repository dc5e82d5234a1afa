// nettools.h: what the applets of the nettools multi-call binary share.
#ifndef NETTOOLS_H
#define NETTOOLS_H

#include <stddef.h>

// A growable byte buffer; every function returns 0, or -1 when out of memory.
struct nt_buf {
  char *data;
  size_t len, cap;
};

int nt_buf_reserve(struct nt_buf *b, size_t extra);
int nt_buf_append(struct nt_buf *b, const void *data, size_t len);
int nt_buf_printf(struct nt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Parses a TCP port (1-65535); -1 if `text` is not one.
int nt_parse_port(const char *text);

// The applets.
int curl_main(int argc, char **argv);
int nc_main(int argc, char **argv);
int loadgen_main(int argc, char **argv);

#endif
