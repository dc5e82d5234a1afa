// http.h: the HTTP/1.1 client pieces curl and loadgen share: URL parsing
// and an incremental ("push") response parser that works the same over a
// blocking socket (curl) and many non-blocking ones (loadgen).
#ifndef NETTOOLS_HTTP_H
#define NETTOOLS_HTTP_H

#include <flotilla_http.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX_HOST 256
#define URL_MAX_PATH 8192

// http://host[:port][/path][?query]; "host/path" without a scheme is http too.
struct url {
  char scheme[32];             // "http", or the unsupported scheme url_parse() rejected
  char host[URL_MAX_HOST];     // without brackets for IPv6 literals
  int port;                    // 80 unless given
  char path[URL_MAX_PATH];     // origin-form request target: "/", "/a?b=c"
  char authority[URL_MAX_HOST + 8];  // the Host header: host, [v6], host:port
};

enum url_error {
  URL_OK = 0,
  URL_UNSUPPORTED_SCHEME,      // curl's exit 1
  URL_MALFORMED,               // curl's exit 3
  URL_NO_HOST,
  URL_BAD_PORT,
  URL_TOO_LONG,
};

// Parses `text` into *out. On failure returns the error; url_error_text() words it as curl does.
enum url_error url_parse(const char *text, struct url *out);
const char *url_error_text(enum url_error error);

// Resolves `location` (a redirect's Location) against `base` into *out.
enum url_error url_resolve(const struct url *base, const char *location, size_t len, struct url *out);

enum http_state {
  HTTP_HEAD,          // reading the status line and headers
  HTTP_BODY_LENGTH,   // Content-Length bytes left in `remaining`
  HTTP_BODY_EOF,      // body runs until the server closes
  HTTP_CHUNK_SIZE,    // reading a chunk-size line
  HTTP_CHUNK_DATA,    // `remaining` bytes of the current chunk
  HTTP_CHUNK_END,     // the CRLF after chunk data
  HTTP_TRAILER,       // trailer lines after the last chunk
  HTTP_DONE,
  HTTP_ERROR,
};

#define HTTP_MAX_HEAD (100 * 1024)  // as curl's CURL_MAX_HTTP_HEADER

struct http_response {
  int no_body;                 // the request was HEAD: no body whatever the headers say
  enum http_state state;
  char *head;                  // the current header block, status line first (not NUL-terminated)
  size_t head_len, head_cap;
  int status;                  // e.g. 200
  int minor;                   // HTTP/1.<minor>
  int keep_alive;              // the connection may carry another request afterwards
  int chunked;
  int has_length;
  uint64_t content_length;
  uint64_t remaining;
  uint64_t body_bytes;         // body bytes delivered so far
  uint64_t received;           // every byte fed so far (0 at EOF: an empty reply)
  char line[512];              // a chunk-size or trailer line being assembled
  size_t line_len;
  const char *error;           // why state is HTTP_ERROR
};

// Called with each complete header block, the interim ones (1xx) too; return -1 to stop.
typedef int (*http_head_fn)(void *ctx, const struct http_response *r);
// Called with body bytes (chunked framing removed); return -1 to stop.
typedef int (*http_body_fn)(void *ctx, const char *data, size_t len);

void http_response_init(struct http_response *r, int no_body);
void http_response_reset(struct http_response *r, int no_body);  // for the next response on the connection
void http_response_free(struct http_response *r);

// Feeds bytes received from the server. Returns how many were consumed
// (fewer than len once the response is complete: the rest belongs to what
// follows), or -1 when the response is malformed (r->error says why) or a
// callback stopped it (r->error is NULL).
long http_response_feed(struct http_response *r, const char *data, size_t len,
                        http_head_fn on_head, http_body_fn on_body, void *ctx);

// The server closed the connection. Returns 1 if that completes the
// response (a body delimited by the close), 0 if the response is cut short.
int http_response_eof(struct http_response *r);

// Finds header `name` (case-insensitive) in the current header block.
// Returns 1 and points *value/*len at its trimmed value, or 0.
int http_header(const struct http_response *r, const char *name, const char **value, size_t *len);

#endif
