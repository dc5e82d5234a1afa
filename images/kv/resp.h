// resp.h: the Redis protocol (RESP2) as kv and kv-cli speak it: command
// parsing (multibulk and inline), quoted-argument splitting, and replies.
#ifndef KV_RESP_H
#define KV_RESP_H

#include <stddef.h>

#define RESP_MAX_BULK (64L * 1024 * 1024)  // one argument or value
#define RESP_MAX_ARGS (1024L * 1024)       // arguments of one command
#define RESP_MAX_INLINE (64L * 1024)       // one inline command line
#define RESP_MAX_DEPTH 32                  // nested arrays in a reply

// Growable byte buffers: struct fl_buf and its functions (images/include).
#include <flotilla_buf.h>

// A decimal integer filling exactly s[0..len): optional '-', no '+', no
// leading zeros or spaces, within long long (as redis's string2ll). 0 or -1.
int resp_parse_ll(const char *s, size_t len, long long *out);

// The arguments of one command: binary-safe, each also NUL-terminated.
struct args {
  int argc, cap;
  char **argv;
  size_t *len;
};

void args_reset(struct args *a);  // frees the strings, keeps the arrays
void args_free(struct args *a);
int args_push(struct args *a, const char *s, size_t len);

// Parses one command at the start of buf: "*N\r\n$L\r\n...\r\n" or an
// inline line "SET k v\r\n". Returns the bytes it took (> 0; a command may
// have no arguments, e.g. an empty line), 0 if more bytes are needed, or
// -1 on a protocol error with *error the message for an ERR reply. `out`
// is reset first.
long resp_parse_command(const char *buf, size_t len, struct args *out, const char **error);

// Splits a line into arguments as redis does (sdssplitargs): separated by
// white space; "double quotes" with \n \r \t \b \a \\ \" \xHH escapes;
// 'single quotes' with \'. A closing quote must end the argument.
// Returns 0, or -1 for unbalanced quotes. `out` is reset first.
int resp_split_line(const char *line, size_t len, struct args *out);

enum reply_type { REPLY_STATUS, REPLY_ERROR, REPLY_INTEGER, REPLY_BULK, REPLY_NIL, REPLY_ARRAY };

struct reply {
  enum reply_type type;
  long long integer;       // REPLY_INTEGER
  char *str;               // STATUS, ERROR, BULK: NUL-terminated, `len` bytes
  size_t len;
  size_t n;                // REPLY_ARRAY
  struct reply **elems;
};

// Parses one reply at the start of buf (same return values as resp_parse_command).
long resp_parse_reply(const char *buf, size_t len, struct reply **out, const char **error);
void reply_free(struct reply *r);

#endif
