// kv: an in-memory key-value server speaking the Redis protocol (RESP2).
//
//   kv [-p PORT] [-v]
//
//   -p PORT  port to listen on (default 6379)
//   -v       log connections on stdout
//
// Commands (as redis: same replies and error messages; names are
// case-insensitive; keys and values are binary-safe strings):
//   PING [MSG]   ECHO MSG   GET KEY   MGET KEY...   MSET KEY VALUE...
//   SET KEY VALUE [NX|XX] [EX SECS|PX MS|KEEPTTL] [GET]
//   DEL KEY...   EXISTS KEY...   TYPE KEY
//   INCR KEY   DECR KEY   INCRBY KEY N   DECRBY KEY N
//   EXPIRE KEY SECS   PEXPIRE KEY MS   TTL KEY   PTTL KEY   PERSIST KEY
//   KEYS PATTERN (glob: * ? [abc] [^a-z] \x; sorted)   DBSIZE   FLUSHALL   FLUSHDB
//   SELECT 0   INFO   COMMAND   QUIT
// Clients may send RESP arrays (as redis-cli and client libraries do) or
// inline commands, one per line (as typed into nc): SET greeting "hi there".
// One thread serves every client through poll(); keys expire lazily when
// touched and in a background sweep.
//
// Exit status: runs until stopped; 1 if it cannot listen, 2 on a usage error.
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <flotilla_net.h>

#include "kv.h"
#include "resp.h"

#define MAX_CLIENTS 1000
#define READ_CHUNK 16384
#define OUTPUT_HIGH_WATER (1024 * 1024)  // stop reading a client whose replies pile up
#define SWEEP_INTERVAL_MS 100
#define SWEEP_BUCKETS 256                 // buckets examined per sweep

static const char *program = "kv";

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// ---------------------------------------------------------------------------
// The key space: a chained hash table of binary-safe keys.

struct entry {
  struct entry *next;
  uint32_t hash;
  char *key;
  size_t klen;
  char *val;
  size_t vlen;
  int64_t expire_at;  // monotonic ms, 0 for none
};

static struct {
  struct entry **buckets;
  size_t nbuckets, count, volatile_count;
  size_t sweep_cursor;
} db;

static uint32_t hash_bytes(const char *s, size_t len) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

static int db_init(void) {
  db.nbuckets = 64;
  db.buckets = calloc(db.nbuckets, sizeof *db.buckets);
  return db.buckets ? 0 : -1;
}

static void entry_free(struct entry *e) {
  free(e->key);
  free(e->val);
  free(e);
}

static void db_grow(void) {
  size_t n = db.nbuckets * 2;
  struct entry **buckets = calloc(n, sizeof *buckets);
  if (!buckets) return;  // keep the longer chains
  for (size_t i = 0; i < db.nbuckets; i++) {
    for (struct entry *e = db.buckets[i], *next; e; e = next) {
      next = e->next;
      e->next = buckets[e->hash & (n - 1)];
      buckets[e->hash & (n - 1)] = e;
    }
  }
  free(db.buckets);
  db.buckets = buckets;
  db.nbuckets = n;
  db.sweep_cursor = 0;
}

// The link pointing at key's entry (or at the NULL ending its chain).
static struct entry **db_slot(const char *key, size_t klen, uint32_t hash) {
  struct entry **link = &db.buckets[hash & (db.nbuckets - 1)];
  while (*link && !((*link)->hash == hash && (*link)->klen == klen && memcmp((*link)->key, key, klen) == 0)) {
    link = &(*link)->next;
  }
  return link;
}

static void db_unlink(struct entry **link) {
  struct entry *e = *link;
  *link = e->next;
  if (e->expire_at) db.volatile_count--;
  db.count--;
  entry_free(e);
}

static int expired(const struct entry *e, int64_t now) {
  return e->expire_at && now >= e->expire_at;
}

// The live entry for key, or NULL (an expired one is deleted on the way).
static struct entry *db_find(const char *key, size_t klen) {
  struct entry **link = db_slot(key, klen, hash_bytes(key, klen));
  if (!*link) return NULL;
  if (expired(*link, now_ms())) {
    db_unlink(link);
    return NULL;
  }
  return *link;
}

static int db_delete(const char *key, size_t klen) {
  struct entry **link = db_slot(key, klen, hash_bytes(key, klen));
  if (!*link) return 0;
  int live = !expired(*link, now_ms());
  db_unlink(link);
  return live;
}

static void set_expiry(struct entry *e, int64_t expire_at) {
  if (!e->expire_at && expire_at) db.volatile_count++;
  if (e->expire_at && !expire_at) db.volatile_count--;
  e->expire_at = expire_at;
}

// Sets key to value; keep_ttl keeps an existing expiry, otherwise it is cleared.
static struct entry *db_set(const char *key, size_t klen, const char *val, size_t vlen, int keep_ttl) {
  char *copy = malloc(vlen + 1);
  if (!copy) return NULL;
  memcpy(copy, val, vlen);
  copy[vlen] = '\0';
  uint32_t hash = hash_bytes(key, klen);
  struct entry **link = db_slot(key, klen, hash);
  struct entry *e = *link;
  if (e && expired(e, now_ms())) {
    db_unlink(link);
    e = NULL;
    link = db_slot(key, klen, hash);
  }
  if (e) {
    free(e->val);
    if (!keep_ttl) set_expiry(e, 0);
  } else {
    e = calloc(1, sizeof *e);
    char *k = malloc(klen + 1);
    if (!e || !k) {
      free(e);
      free(k);
      free(copy);
      return NULL;
    }
    memcpy(k, key, klen);
    k[klen] = '\0';
    e->key = k;
    e->klen = klen;
    e->hash = hash;
    e->next = NULL;
    *link = e;
    db.count++;
    if (db.count > db.nbuckets) db_grow();
  }
  e->val = copy;
  e->vlen = vlen;
  return e;
}

static void db_flush(void) {
  for (size_t i = 0; i < db.nbuckets; i++) {
    for (struct entry *e = db.buckets[i], *next; e; e = next) {
      next = e->next;
      entry_free(e);
    }
    db.buckets[i] = NULL;
  }
  db.count = db.volatile_count = 0;
}

// Deletes expired keys from a few buckets; called every SWEEP_INTERVAL_MS.
static void db_sweep(void) {
  if (!db.volatile_count) return;
  int64_t now = now_ms();
  for (int n = 0; n < SWEEP_BUCKETS; n++) {
    struct entry **link = &db.buckets[db.sweep_cursor];
    while (*link) {
      if (expired(*link, now)) db_unlink(link);
      else link = &(*link)->next;
    }
    db.sweep_cursor = (db.sweep_cursor + 1) & (db.nbuckets - 1);
  }
}

// Redis's glob (stringmatchlen): * ? [set] [^set] [a-z] and \ escapes;
// an unterminated [ matches nothing.
static int glob_match(const char *p, size_t plen, const char *s, size_t slen, int depth) {
  if (depth > 1000) return 0;  // pathological patterns
  while (plen && slen) {
    switch (*p) {
      case '*':
        while (plen > 1 && p[1] == '*') p++, plen--;
        if (plen == 1) return 1;
        for (size_t i = 0; i <= slen; i++) {
          if (glob_match(p + 1, plen - 1, s + i, slen - i, depth + 1)) return 1;
        }
        return 0;
      case '?':
        break;
      case '[': {
        p++, plen--;
        int negate = plen && *p == '^';
        if (negate) p++, plen--;
        int hit = 0;
        for (;;) {
          if (!plen) return 0;
          if (*p == ']') break;
          if (*p == '\\' && plen >= 2) {
            p++, plen--;
            if (*p == *s) hit = 1;
          } else if (plen >= 3 && p[1] == '-' && p[2] != ']') {
            unsigned char lo = (unsigned char)p[0], hi = (unsigned char)p[2], c = (unsigned char)*s;
            if (lo > hi) {
              unsigned char t = lo;
              lo = hi;
              hi = t;
            }
            if (c >= lo && c <= hi) hit = 1;
            p += 2, plen -= 2;
          } else if (*p == *s) {
            hit = 1;
          }
          p++, plen--;
        }
        if (hit == negate) return 0;
        break;  // p is at the ']'
      }
      case '\\':
        if (plen >= 2) p++, plen--;
        /* fall through */
      default:
        if (*p != *s) return 0;
        break;
    }
    p++, plen--;
    s++, slen--;
  }
  while (plen && *p == '*') p++, plen--;
  return plen == 0 && slen == 0;
}

// ---------------------------------------------------------------------------
// Clients and replies

struct client {
  int fd;
  char peer[FL_ADDRSTRLEN];
  struct fl_buf in, out;
  size_t out_off;
  int peer_eof;       // the client shut down its sending side
  int closing;        // close once the replies are sent (QUIT, protocol error)
  struct args args;
};

static struct client *clients[MAX_CLIENTS];
static int nclients;
static int verbose;
static int listen_port;

static void add_status(struct client *c, const char *s) {
  fl_buf_printf(&c->out, "+%s\r\n", s);
}

// An error reply; CR and LF would end it early, so they become spaces.
static void add_error(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_error(struct client *c, const char *fmt, ...) {
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  for (char *p = text; *p; p++) {
    if (*p == '\r' || *p == '\n') *p = ' ';
  }
  fl_buf_printf(&c->out, "-%s\r\n", text);
}

static void add_int(struct client *c, long long v) {
  fl_buf_printf(&c->out, ":%lld\r\n", v);
}

static void add_bulk(struct client *c, const char *s, size_t len) {
  fl_buf_printf(&c->out, "$%zu\r\n", len);
  fl_buf_append(&c->out, s, len);
  fl_buf_append(&c->out, "\r\n", 2);
}

static void add_nil(struct client *c) {
  fl_buf_append(&c->out, "$-1\r\n", 5);
}

static void add_array(struct client *c, size_t n) {
  fl_buf_printf(&c->out, "*%zu\r\n", n);
}

static const char ERR_NOT_INT[] = "ERR value is not an integer or out of range";
static const char ERR_SYNTAX[] = "ERR syntax error";

// argv[i] as a long long, or an ERR reply.
static int arg_ll(struct client *c, int i, long long *out) {
  if (resp_parse_ll(c->args.argv[i], c->args.len[i], out) < 0) {
    add_error(c, "%s", ERR_NOT_INT);
    return -1;
  }
  return 0;
}

static int arg_is(const struct client *c, int i, const char *word) {
  return strlen(word) == c->args.len[i] && strcasecmp(c->args.argv[i], word) == 0;
}

// ---------------------------------------------------------------------------
// Commands

static void cmd_ping(struct client *c) {
  if (c->args.argc == 1) add_status(c, "PONG");
  else add_bulk(c, c->args.argv[1], c->args.len[1]);
}

static void cmd_echo(struct client *c) {
  add_bulk(c, c->args.argv[1], c->args.len[1]);
}

static void cmd_get(struct client *c) {
  struct entry *e = db_find(c->args.argv[1], c->args.len[1]);
  if (e) add_bulk(c, e->val, e->vlen);
  else add_nil(c);
}

static void cmd_mget(struct client *c) {
  add_array(c, (size_t)c->args.argc - 1);
  for (int i = 1; i < c->args.argc; i++) {
    struct entry *e = db_find(c->args.argv[i], c->args.len[i]);
    if (e) add_bulk(c, e->val, e->vlen);
    else add_nil(c);
  }
}

static void cmd_set(struct client *c) {
  int nx = 0, xx = 0, keep_ttl = 0, get = 0;
  int64_t ttl_ms = -1;
  for (int i = 3; i < c->args.argc; i++) {
    if (arg_is(c, i, "NX") && !xx) {
      nx = 1;
    } else if (arg_is(c, i, "XX") && !nx) {
      xx = 1;
    } else if (arg_is(c, i, "KEEPTTL") && ttl_ms < 0) {
      keep_ttl = 1;
    } else if (arg_is(c, i, "GET")) {
      get = 1;
    } else if ((arg_is(c, i, "EX") || arg_is(c, i, "PX")) && ttl_ms < 0 && !keep_ttl && i + 1 < c->args.argc) {
      int seconds = arg_is(c, i, "EX");
      long long v;
      if (arg_ll(c, ++i, &v) < 0) return;
      if (v <= 0 || (seconds && v > LLONG_MAX / 1000) || (seconds ? v * 1000 : v) > INT64_MAX / 2) {
        add_error(c, "ERR invalid expire time in 'set' command");
        return;
      }
      ttl_ms = seconds ? v * 1000 : v;
    } else {
      add_error(c, "%s", ERR_SYNTAX);
      return;
    }
  }
  struct entry *old = db_find(c->args.argv[1], c->args.len[1]);
  if (get) {
    if (old) add_bulk(c, old->val, old->vlen);
    else add_nil(c);
  }
  if ((nx && old) || (xx && !old)) {
    if (!get) add_nil(c);
    return;
  }
  struct entry *e = db_set(c->args.argv[1], c->args.len[1], c->args.argv[2], c->args.len[2], keep_ttl);
  if (!e) {
    if (!get) add_error(c, "ERR out of memory");
    return;
  }
  if (ttl_ms > 0) set_expiry(e, now_ms() + ttl_ms);
  if (!get) add_status(c, "OK");
}

static void cmd_mset(struct client *c) {
  if (c->args.argc % 2 == 0) {
    add_error(c, "ERR wrong number of arguments for 'mset' command");
    return;
  }
  for (int i = 1; i + 1 < c->args.argc; i += 2) {
    if (!db_set(c->args.argv[i], c->args.len[i], c->args.argv[i + 1], c->args.len[i + 1], 0)) {
      add_error(c, "ERR out of memory");
      return;
    }
  }
  add_status(c, "OK");
}

static void cmd_del(struct client *c) {
  long long n = 0;
  for (int i = 1; i < c->args.argc; i++) n += db_delete(c->args.argv[i], c->args.len[i]);
  add_int(c, n);
}

static void cmd_exists(struct client *c) {
  long long n = 0;
  for (int i = 1; i < c->args.argc; i++) n += db_find(c->args.argv[i], c->args.len[i]) != NULL;
  add_int(c, n);
}

static void cmd_type(struct client *c) {
  add_status(c, db_find(c->args.argv[1], c->args.len[1]) ? "string" : "none");
}

// INCR, DECR, INCRBY, DECRBY: `sign` is +1 or -1; by_arg says whether argv[2] is the amount.
static void incr_by(struct client *c, int sign, int by_arg) {
  long long by = 1;
  if (by_arg && arg_ll(c, 2, &by) < 0) return;
  if (sign < 0) {
    if (by == LLONG_MIN) {
      add_error(c, "ERR decrement would overflow");
      return;
    }
    by = -by;
  }
  struct entry *e = db_find(c->args.argv[1], c->args.len[1]);
  long long value = 0;
  if (e && resp_parse_ll(e->val, e->vlen, &value) < 0) {
    add_error(c, "%s", ERR_NOT_INT);
    return;
  }
  if ((by > 0 && value > LLONG_MAX - by) || (by < 0 && value < LLONG_MIN - by)) {
    add_error(c, "ERR increment or decrement would overflow");
    return;
  }
  value += by;
  char text[32];
  int n = snprintf(text, sizeof text, "%lld", value);
  if (!db_set(c->args.argv[1], c->args.len[1], text, (size_t)n, 1)) {
    add_error(c, "ERR out of memory");
    return;
  }
  add_int(c, value);
}

static void cmd_incr(struct client *c) { incr_by(c, 1, 0); }
static void cmd_decr(struct client *c) { incr_by(c, -1, 0); }
static void cmd_incrby(struct client *c) { incr_by(c, 1, 1); }
static void cmd_decrby(struct client *c) { incr_by(c, -1, 1); }

static void expire_generic(struct client *c, int seconds, const char *name) {
  long long v;
  if (arg_ll(c, 2, &v) < 0) return;
  if ((seconds && (v > LLONG_MAX / 1000 || v < LLONG_MIN / 1000)) || (seconds ? v * 1000 : v) > INT64_MAX / 2) {
    add_error(c, "ERR invalid expire time in '%s' command", name);
    return;
  }
  int64_t ms = seconds ? v * 1000 : v;
  struct entry *e = db_find(c->args.argv[1], c->args.len[1]);
  if (!e) {
    add_int(c, 0);
    return;
  }
  if (ms <= 0) {
    db_delete(c->args.argv[1], c->args.len[1]);
  } else {
    set_expiry(e, now_ms() + ms);
  }
  add_int(c, 1);
}

static void cmd_expire(struct client *c) { expire_generic(c, 1, "expire"); }
static void cmd_pexpire(struct client *c) { expire_generic(c, 0, "pexpire"); }

static void ttl_generic(struct client *c, int seconds) {
  struct entry *e = db_find(c->args.argv[1], c->args.len[1]);
  if (!e) add_int(c, -2);
  else if (!e->expire_at) add_int(c, -1);
  else {
    int64_t left = e->expire_at - now_ms();
    if (left < 0) left = 0;
    add_int(c, seconds ? (left + 500) / 1000 : left);
  }
}

static void cmd_ttl(struct client *c) { ttl_generic(c, 1); }
static void cmd_pttl(struct client *c) { ttl_generic(c, 0); }

static void cmd_persist(struct client *c) {
  struct entry *e = db_find(c->args.argv[1], c->args.len[1]);
  if (!e || !e->expire_at) {
    add_int(c, 0);
    return;
  }
  set_expiry(e, 0);
  add_int(c, 1);
}

static int compare_entries(const void *a, const void *b) {
  const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
  size_t n = x->klen < y->klen ? x->klen : y->klen;
  int rc = memcmp(x->key, y->key, n);
  return rc ? rc : (x->klen > y->klen) - (x->klen < y->klen);
}

static void cmd_keys(struct client *c) {
  const char *pattern = c->args.argv[1];
  size_t plen = c->args.len[1];
  struct entry **found = malloc((db.count ? db.count : 1) * sizeof *found);
  if (!found) {
    add_error(c, "ERR out of memory");
    return;
  }
  size_t n = 0;
  int64_t now = now_ms();
  for (size_t i = 0; i < db.nbuckets; i++) {
    for (struct entry *e = db.buckets[i]; e; e = e->next) {
      if (!expired(e, now) && glob_match(pattern, plen, e->key, e->klen, 0)) found[n++] = e;
    }
  }
  qsort(found, n, sizeof *found, compare_entries);
  add_array(c, n);
  for (size_t i = 0; i < n; i++) add_bulk(c, found[i]->key, found[i]->klen);
  free(found);
}

static void cmd_dbsize(struct client *c) { add_int(c, (long long)db.count); }

static void cmd_flushall(struct client *c) {
  if (c->args.argc > 2 || (c->args.argc == 2 && !arg_is(c, 1, "ASYNC") && !arg_is(c, 1, "SYNC"))) {
    add_error(c, "%s", ERR_SYNTAX);
    return;
  }
  db_flush();
  add_status(c, "OK");
}

static void cmd_select(struct client *c) {
  long long index;
  if (arg_ll(c, 1, &index) < 0) return;
  if (index != 0) add_error(c, "ERR DB index is out of range");
  else add_status(c, "OK");
}

static void cmd_info(struct client *c) {
  struct fl_buf text = {0};
  fl_buf_printf(&text, "# Server\r\nkv_version:1.0\r\ntcp_port:%d\r\n\r\n# Clients\r\nconnected_clients:%d\r\n\r\n"
                     "# Keyspace\r\n", listen_port, nclients);
  if (db.count) fl_buf_printf(&text, "db0:keys=%zu,expires=%zu,avg_ttl=0\r\n", db.count, db.volatile_count);
  add_bulk(c, text.data ? text.data : "", text.len);
  fl_buf_free(&text);
}

static void cmd_command(struct client *c) { add_array(c, 0); }

static void cmd_quit(struct client *c) {
  add_status(c, "OK");
  c->closing = 1;
}

// Arity as redis counts it: N exactly N arguments (the name included), -N at least N.
static const struct command {
  const char *name;
  int arity;
  void (*run)(struct client *);
} commands[] = {
  {"ping", -1, cmd_ping}, {"echo", 2, cmd_echo}, {"get", 2, cmd_get}, {"mget", -2, cmd_mget},
  {"set", -3, cmd_set}, {"mset", -3, cmd_mset}, {"del", -2, cmd_del}, {"exists", -2, cmd_exists},
  {"type", 2, cmd_type}, {"incr", 2, cmd_incr}, {"decr", 2, cmd_decr}, {"incrby", 3, cmd_incrby},
  {"decrby", 3, cmd_decrby}, {"expire", 3, cmd_expire}, {"pexpire", 3, cmd_pexpire}, {"ttl", 2, cmd_ttl},
  {"pttl", 2, cmd_pttl}, {"persist", 2, cmd_persist}, {"keys", 2, cmd_keys}, {"dbsize", 1, cmd_dbsize},
  {"flushall", -1, cmd_flushall}, {"flushdb", -1, cmd_flushall}, {"select", 2, cmd_select},
  {"info", -1, cmd_info}, {"command", -1, cmd_command}, {"quit", -1, cmd_quit},
};

static void run_command(struct client *c) {
  const char *name = c->args.argv[0];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    const struct command *cmd = &commands[i];
    if (strlen(cmd->name) != c->args.len[0] || strcasecmp(cmd->name, name) != 0) continue;
    if ((cmd->arity > 0 && c->args.argc != cmd->arity) || (cmd->arity < 0 && c->args.argc < -cmd->arity) ||
        (cmd->run == cmd_ping && c->args.argc > 2)) {
      add_error(c, "ERR wrong number of arguments for '%s' command", cmd->name);
      return;
    }
    cmd->run(c);
    return;
  }
  // As redis 7: ERR unknown command 'foo', with args beginning with: 'a' 'b'
  char detail[256] = "";
  size_t used = 0;
  for (int i = 1; i < c->args.argc && used + 1 < sizeof detail; i++) {
    int n = snprintf(detail + used, sizeof detail - used, "'%.*s' ", (int)(c->args.len[i] > 64 ? 64 : c->args.len[i]), c->args.argv[i]);
    if (n < 0) break;
    used += (size_t)n;
  }
  add_error(c, "ERR unknown command '%.*s', with args beginning with: %s",
            (int)(c->args.len[0] > 64 ? 64 : c->args.len[0]), name, detail);
}

// Runs every complete command in the input. A protocol error answers and closes.
static void process_input(struct client *c) {
  size_t pos = 0;
  while (!c->closing && pos < c->in.len && c->out.len - c->out_off < OUTPUT_HIGH_WATER) {
    const char *error = NULL;
    long used = resp_parse_command(c->in.data + pos, c->in.len - pos, &c->args, &error);
    if (used == 0) break;
    if (used < 0) {
      add_error(c, "ERR %s", error);
      c->closing = 1;
      break;
    }
    pos += (size_t)used;
    if (c->args.argc > 0) run_command(c);
  }
  fl_buf_consume(&c->in, pos);
}

static void client_close(int index) {
  struct client *c = clients[index];
  if (verbose) {
    printf("client %s disconnected\n", c->peer);
    fflush(stdout);
  }
  close(c->fd);
  fl_buf_free(&c->in);
  fl_buf_free(&c->out);
  args_free(&c->args);
  free(c);
  clients[index] = clients[--nclients];
}

// Sends pending replies, then runs input that waited for them. Returns -1
// if the client should be closed now.
static int flush_output(struct client *c) {
  for (;;) {
    while (c->out_off < c->out.len) {
      ssize_t n = fl_send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        return -1;
      }
      c->out_off += (size_t)n;
    }
    c->out.len = c->out_off = 0;
    if (c->closing) return -1;
    if (!c->in.len) break;
    process_input(c);       // commands held back while replies piled up
    if (!c->out.len) break;  // what is left is an incomplete command
  }
  // After the client's EOF, a partial command will never complete (redis
  // drops it too): close once everything is answered.
  return c->peer_eof ? -1 : 0;
}

static void on_readable(int index) {
  struct client *c = clients[index];
  if (fl_buf_reserve(&c->in, READ_CHUNK) < 0) {
    client_close(index);
    return;
  }
  ssize_t n = recv(c->fd, c->in.data + c->in.len, READ_CHUNK, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) client_close(index);
    return;
  }
  if (n == 0) c->peer_eof = 1;  // answer what came, then close
  c->in.len += (size_t)n;
  process_input(c);
  if (flush_output(c) < 0) client_close(index);
}

static void accept_clients(int listen_fd) {
  while (nclients < MAX_CLIENTS) {
    char peer[FL_ADDRSTRLEN];
    int fd = fl_accept(listen_fd, peer, sizeof peer);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
        fprintf(stderr, "%s: accept: %s\n", program, strerror(errno));
      }
      return;
    }
    struct client *c = calloc(1, sizeof *c);
    if (!c || fl_set_nonblocking(fd, 1) < 0) {
      fprintf(stderr, "%s: dropping a connection from %s: %s\n", program, peer, c ? strerror(errno) : "out of memory");
      free(c);
      close(fd);
      continue;
    }
    (void)fl_set_nodelay(fd);
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    clients[nclients++] = c;
    if (verbose) {
      printf("client %s connected\n", peer);
      fflush(stdout);
    }
  }
}

static int usage(FILE *to, int status) {
  fprintf(to, "Usage: kv [-p PORT] [-v]\n"
              "An in-memory key-value server speaking the Redis protocol.\n"
              "  -p PORT  port to listen on (default 6379)\n"
              "  -v       log connections on stdout\n"
              "Commands: PING ECHO GET MGET SET(NX XX EX PX KEEPTTL GET) MSET DEL EXISTS TYPE INCR DECR\n"
              "INCRBY DECRBY EXPIRE PEXPIRE TTL PTTL PERSIST KEYS DBSIZE FLUSHALL FLUSHDB SELECT INFO QUIT.\n"
              "Exit status: runs until stopped; 1 if it cannot listen, 2 on a usage error.\n");
  return status;
}

int kv_server_main(int argc, char **argv) {
  int port = 6379;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-p") == 0 || strcmp(argv[i], "--port") == 0) {
      char *end;
      long v = i + 1 < argc ? strtol(argv[++i], &end, 10) : 0;
      if (v < 1 || v > 65535 || *end) {
        fprintf(stderr, "%s: -p needs a port number (1-65535)\n", program);
        return usage(stderr, 2);
      }
      port = (int)v;
    } else if (strcmp(argv[i], "-v") == 0) {
      verbose = 1;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      return usage(stdout, 0);
    } else {
      fprintf(stderr, "%s: unknown argument '%s'\n", program, argv[i]);
      return usage(stderr, 2);
    }
  }
  listen_port = port;
  fl_net_init();
  if (db_init() < 0) {
    fprintf(stderr, "%s: out of memory\n", program);
    return 1;
  }
  int listen_fd = fl_listen(port, 128);
  if (listen_fd < 0 || fl_set_nonblocking(listen_fd, 1) < 0) {
    fprintf(stderr, "%s: cannot listen on port %d: %s\n", program, port, strerror(errno));
    return 1;
  }
  fprintf(stderr, "%s: ready to accept connections on port %d\n", program, port);

  static struct pollfd pfds[MAX_CLIENTS + 1];
  static int owner[MAX_CLIENTS + 1];
  int64_t last_sweep = now_ms();
  for (;;) {
    int n = 0;
    if (nclients < MAX_CLIENTS) {
      pfds[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
      owner[n++] = -1;
    }
    for (int i = 0; i < nclients; i++) {
      struct client *c = clients[i];
      short events = 0;
      if (!c->peer_eof && !c->closing && c->out.len - c->out_off < OUTPUT_HIGH_WATER) events |= POLLIN;
      if (c->out_off < c->out.len) events |= POLLOUT;
      if (!events) continue;  // wasi-libc's poll() needs POLLIN or POLLOUT
      pfds[n] = (struct pollfd){ .fd = c->fd, .events = events };
      owner[n++] = i;
    }
    int ready = poll(pfds, (nfds_t)n, db.volatile_count ? SWEEP_INTERVAL_MS : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "%s: poll: %s\n", program, strerror(errno));
      return 1;
    }
    // Backwards: closing clients[i] moves the last client into slot i, and
    // every entry still to visit refers to a smaller index.
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
        client_close(i);
        continue;
      }
      if ((re & POLLOUT) && flush_output(clients[i]) < 0) {
        client_close(i);
        continue;
      }
      if (re & (POLLIN | POLLHUP | POLLERR)) on_readable(i);
    }
    if (accept_now) accept_clients(listen_fd);
    if (now_ms() - last_sweep >= SWEEP_INTERVAL_MS) {
      db_sweep();
      last_sweep = now_ms();
    }
  }
}
