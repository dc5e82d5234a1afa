// kv-cli: a command-line client for kv (and any Redis server), after redis-cli.
//
//   kv-cli [-h HOST] [-p PORT] [--raw] [CMD [ARG...]]
//
//   -h HOST  server host: a container name, network alias, localhost or an
//            IPv4 address (default 127.0.0.1)
//   -p PORT  server port (default 6379)
//   --raw    print values as they are: no quotes, no (integer), no 1)
//
// With a command it sends that command, prints the reply and exits.
// Without one it reads commands from stdin, one per line, with quotes as
// redis-cli takes them (SET msg "hello world"); on a terminal it prompts
// "HOST:PORT> " and `quit` or `exit` ends it.
//
// Replies are printed the way redis-cli prints them on a terminal, also
// when the output is a pipe (redis-cli would switch to --raw there):
//   OK   (integer) 1   "value"   (nil)   (error) ERR ...   (empty array)
//   1) "a"
//   2) "b"
//
// Exit status: 0 success; 1 could not connect, the connection was lost, or
// the server answered a command with an error; 2 bad usage.
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <flotilla_net.h>

#include "kv.h"
#include "resp.h"

struct cli {
  const char *host;
  int port;
  int raw;
  int fd;
  struct fl_buf in;   // bytes received and not yet parsed
};

static int cli_connect(struct cli *c) {
  c->fd = fl_connect(c->host, c->port);
  if (c->fd >= 0) return 0;
  fprintf(stderr, "Could not connect to kv at %s:%d: %s\n", c->host, c->port,
          c->fd == FL_ERR_NOHOST ? "Name or service not known" : strerror(errno));
  c->fd = -1;
  return -1;
}

static void cli_disconnect(struct cli *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->in.len = 0;
}

// Sends the command as a RESP array of bulk strings.
static int send_command(struct cli *c, const struct args *a) {
  struct fl_buf out = {0};
  int rc = fl_buf_printf(&out, "*%d\r\n", a->argc);
  for (int i = 0; i < a->argc && rc == 0; i++) {
    rc |= fl_buf_printf(&out, "$%zu\r\n", a->len[i]);
    rc |= fl_buf_append(&out, a->argv[i], a->len[i]);
    rc |= fl_buf_append(&out, "\r\n", 2);
  }
  if (rc == 0) rc = fl_write_all(c->fd, out.data, out.len, 1);
  fl_buf_free(&out);
  return rc;
}

// Reads one reply; NULL with *why set if the connection failed or the reply is malformed.
static struct reply *read_reply(struct cli *c, const char **why) {
  for (;;) {
    struct reply *r = NULL;
    long used = resp_parse_reply(c->in.data, c->in.len, &r, why);
    if (used > 0) {
      fl_buf_consume(&c->in, (size_t)used);
      return r;
    }
    if (used < 0) return NULL;
    if (fl_buf_reserve(&c->in, 16384) < 0) {
      *why = "out of memory";
      return NULL;
    }
    ssize_t n = recv(c->fd, c->in.data + c->in.len, 16384, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *why = n == 0 ? "Server closed the connection" : strerror(errno);
      return NULL;
    }
    c->in.len += (size_t)n;
  }
}

// A bulk string as redis-cli quotes it (sdscatrepr).
static void add_repr(struct fl_buf *out, const char *s, size_t len) {
  fl_buf_append(out, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    switch (ch) {
      case '\\': fl_buf_append(out, "\\\\", 2); break;
      case '"': fl_buf_append(out, "\\\"", 2); break;
      case '\n': fl_buf_append(out, "\\n", 2); break;
      case '\r': fl_buf_append(out, "\\r", 2); break;
      case '\t': fl_buf_append(out, "\\t", 2); break;
      case '\a': fl_buf_append(out, "\\a", 2); break;
      case '\b': fl_buf_append(out, "\\b", 2); break;
      default:
        if (isprint(ch)) fl_buf_append(out, &s[i], 1);
        else fl_buf_printf(out, "\\x%02x", ch);
    }
  }
  fl_buf_append(out, "\"", 1);
}

// redis-cli's terminal format (cliFormatReplyTTY): nested arrays are
// indented by the width of the enclosing index plus two.
static void format_tty(struct fl_buf *out, const struct reply *r, const char *prefix) {
  switch (r->type) {
    case REPLY_STATUS: fl_buf_append(out, r->str, r->len); fl_buf_append(out, "\n", 1); break;
    case REPLY_ERROR: fl_buf_printf(out, "(error) %s\n", r->str); break;
    case REPLY_INTEGER: fl_buf_printf(out, "(integer) %lld\n", r->integer); break;
    case REPLY_NIL: fl_buf_printf(out, "(nil)\n"); break;
    case REPLY_BULK: add_repr(out, r->str, r->len); fl_buf_append(out, "\n", 1); break;
    case REPLY_ARRAY: {
      if (r->n == 0) {
        fl_buf_printf(out, "(empty array)\n");
        break;
      }
      int width = 0;
      for (size_t n = r->n; n; n /= 10) width++;
      size_t plen = strlen(prefix);
      char *nested = malloc(plen + (size_t)width + 3);
      if (!nested) return;
      memcpy(nested, prefix, plen);
      memset(nested + plen, ' ', (size_t)width + 2);
      nested[plen + (size_t)width + 2] = '\0';
      for (size_t i = 0; i < r->n; i++) {
        // The first element follows its parent's index on the same line.
        fl_buf_printf(out, "%s%*zu) ", i == 0 ? "" : prefix, width, i + 1);
        format_tty(out, r->elems[i], nested);
      }
      free(nested);
      break;
    }
  }
}

// --raw: values only (cliFormatReplyRaw).
static void format_raw(struct fl_buf *out, const struct reply *r) {
  switch (r->type) {
    case REPLY_STATUS:
    case REPLY_ERROR:
    case REPLY_BULK: fl_buf_append(out, r->str, r->len); break;
    case REPLY_INTEGER: fl_buf_printf(out, "%lld", r->integer); break;
    case REPLY_NIL: break;
    case REPLY_ARRAY:
      for (size_t i = 0; i < r->n; i++) {
        if (i > 0) fl_buf_append(out, "\n", 1);
        format_raw(out, r->elems[i]);
      }
      break;
  }
}

static void print_reply(const struct reply *r, int raw) {
  struct fl_buf out = {0};
  if (raw) {
    format_raw(&out, r);
    fl_buf_append(&out, "\n", 1);
  } else {
    format_tty(&out, r, "");
  }
  if (out.data) fwrite(out.data, 1, out.len, stdout);
  fflush(stdout);
  fl_buf_free(&out);
}

// Sends one command and prints its reply. 0 on success, 1 on an error reply, -1 if the connection failed.
static int run_one(struct cli *c, const struct args *a) {
  if (c->fd < 0 && cli_connect(c) < 0) return -1;
  if (send_command(c, a) < 0) {
    fprintf(stderr, "Error: %s\n", strerror(errno));
    cli_disconnect(c);
    return -1;
  }
  const char *why = NULL;
  struct reply *r = read_reply(c, &why);
  if (!r) {
    fprintf(stderr, "Error: %s\n", why ? why : "unknown");
    cli_disconnect(c);
    return -1;
  }
  // As redis-cli, INFO's text is always printed raw.
  print_reply(r, c->raw || strcasecmp(a->argv[0], "info") == 0);
  int status = r->type == REPLY_ERROR;
  reply_free(r);
  return status;
}

static int usage(FILE *to, int status) {
  fprintf(to, "Usage: kv-cli [-h HOST] [-p PORT] [--raw] [CMD [ARG...]]\n"
              "  -h HOST  server host (default 127.0.0.1)\n"
              "  -p PORT  server port (default 6379)\n"
              "  --raw    print values without quotes and type hints\n"
              "Without CMD, commands are read from stdin, one per line (a prompt on a terminal).\n"
              "Exit status: 0 ok, 1 connection failure or an error reply, 2 bad usage.\n");
  return status;
}

int kv_cli_main(int argc, char **argv) {
  fl_net_init();
  struct cli c = { .host = "127.0.0.1", .port = 6379, .fd = -1 };
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "-p") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "kv-cli: option %s needs an argument\n", arg);
        return usage(stderr, 2);
      }
      const char *value = argv[++i];
      if (arg[1] == 'h') {
        c.host = value;
      } else {
        char *end;
        long port = strtol(value, &end, 10);
        if (end == value || *end || port < 1 || port > 65535) {
          fprintf(stderr, "kv-cli: bad port '%s' (1-65535)\n", value);
          return 2;
        }
        c.port = (int)port;
      }
    } else if (strcmp(arg, "--raw") == 0) {
      c.raw = 1;
    } else if (strcmp(arg, "--no-raw") == 0) {
      c.raw = 0;
    } else if (strcmp(arg, "--help") == 0) {
      return usage(stdout, 0);
    } else {
      fprintf(stderr, "kv-cli: unknown option '%s'\n", arg);
      return usage(stderr, 2);
    }
  }

  struct args a = {0};
  int status = 0;
  if (i < argc) {  // the command is on the command line
    for (int k = i; k < argc; k++) {
      if (args_push(&a, argv[k], strlen(argv[k])) < 0) {
        fprintf(stderr, "kv-cli: out of memory\n");
        return 1;
      }
    }
    int rc = run_one(&c, &a);
    status = rc == 0 ? 0 : 1;
  } else {
    int interactive = isatty(0);
    if (cli_connect(&c) < 0 && !interactive) return 1;
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
      if (interactive) {
        if (c.fd >= 0) printf("%s:%d> ", c.host, c.port);
        else printf("not connected> ");
        fflush(stdout);
      }
      ssize_t n = getline(&line, &cap, stdin);
      if (n < 0) break;
      while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
      if (resp_split_line(line, (size_t)n, &a) < 0) {
        fprintf(stderr, "Invalid argument(s)\n");
        status = 1;
        continue;
      }
      if (a.argc == 0) continue;
      if (interactive && (strcasecmp(a.argv[0], "quit") == 0 || strcasecmp(a.argv[0], "exit") == 0)) break;
      int rc = run_one(&c, &a);
      if (rc != 0) status = 1;
      if (rc < 0 && !interactive) break;
    }
    free(line);
  }
  args_free(&a);
  cli_disconnect(&c);
  fl_buf_free(&c.in);
  return status;
}
