/*
 * flotilla_net.h: TCP sockets for Flotilla's programs.
 *
 * WASI preview1 can use a socket (sock_recv, sock_send, sock_shutdown,
 * sock_accept, and fd_read/fd_write/fd_close/poll_oneoff on socket fds) but
 * cannot make one. Flotilla's runtime offers the missing calls the way WASIX
 * does, as imports of the module "wasix_32v1". This header declares them
 * (every parameter is an i32 on wasm32; each returns a WASI errno, 0 on
 * success, with the same numbers as wasi-libc's <errno.h>) and builds a few
 * helpers on top that every network program needs.
 *
 * The helpers have the same signature on every target. Under wasm32-wasip1
 * (`__wasi__`) they use the WASIX imports; elsewhere they fall back to POSIX
 * sockets, so the same program builds with the host's cc and can be checked
 * against real TCP:
 *
 *   cc -Iimages/include -o /tmp/httpd images/httpd/httpd.c
 *
 * Helpers (all return -1 with errno set on failure unless noted):
 *
 *   fl_net_init()                    once at start: ignore SIGPIPE (POSIX only),
 *                                    so a write to a closed peer is EPIPE
 *   fl_listen(port, backlog)         TCP socket with SO_REUSEADDR on 0.0.0.0:port,
 *                                    listening; the fd
 *   fl_resolve(host, port, out, n)   numeric IPv4/IPv6 or a name (container names,
 *                                    network aliases, "localhost"); up to n
 *                                    addresses; the count, 0 if there is no
 *                                    such host
 *   fl_connect_addr(addr)            a connected TCP socket (blocking); the fd
 *   fl_connect(host, port)           fl_resolve + fl_connect_addr on each address
 *                                    in turn; the fd, or FL_ERR_NOHOST (-2) when
 *                                    the name does not resolve
 *   fl_accept(listen_fd, peer, size) the accepted fd; "ip:port" of the peer in
 *                                    peer (may be NULL)
 *   fl_peer_name(fd, buf, size)      "ip:port" of the connected peer; 0
 *   fl_local_port(fd)                the local port of a bound socket
 *   fl_set_nonblocking(fd, on)       O_NONBLOCK on or off: calls return EAGAIN
 *                                    instead of blocking; 0
 *   fl_set_nodelay(fd)               TCP_NODELAY; 0 (best effort, errors ignored
 *                                    by callers)
 *   fl_send(fd, buf, len)            one send() that never raises SIGPIPE
 *   fl_write_all(fd, buf, len, sock) writes everything to a blocking fd (a socket
 *                                    when sock is 1, else a pipe or file),
 *                                    retrying short writes; 0
 *   fl_format_addr(addr, buf, size)  "1.2.3.4:80" or "[::1]:80"
 *   fl_format_ip(addr, buf, size)    "1.2.3.4" or "::1"
 *
 * Only functions a program calls become imports of its module, so a program
 * using none of the socket calls still runs on any WASI host.
 */
#ifndef FLOTILLA_NET_H
#define FLOTILLA_NET_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

/* fl_connect's result when the host name does not resolve (curl's exit 6). */
#define FL_ERR_NOHOST (-2)

/* Most addresses fl_connect tries for one name. */
#define FL_MAX_ADDRS 8

/* Room for "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535" and a NUL. */
#define FL_ADDRSTRLEN 56

/* One IPv4 or IPv6 address and port, independent of the socket API below. */
typedef struct fl_addr {
  int family;         /* 4 or 6 */
  uint16_t port;      /* host byte order */
  uint8_t bytes[16];  /* network order; the first 4 for IPv4 */
} fl_addr;

#ifdef __wasi__
/* ------------------------------------------------------------------------ */
/* WASIX socket imports (module "wasix_32v1")                               */
/* ------------------------------------------------------------------------ */

/* Address families (sock_open's af, the tag of the address structs). */
#define WASIX_AF_INET4 1
#define WASIX_AF_INET6 2
/* Socket types. */
#define WASIX_SOCK_STREAM 1
#define WASIX_SOCK_DGRAM 2
/* Boolean socket options (sock_set_opt_flag / sock_get_opt_flag). */
#define WASIX_OPT_REUSE_ADDR 2
#define WASIX_OPT_NO_DELAY 3
#define WASIX_OPT_KEEP_ALIVE 12

/*
 * __wasi_addr_port_t: an address with its port, 20 bytes, the same layout
 * in both directions. `port` is a plain little-endian number (the port
 * itself, not htons(port)); `addr` is in network order (127.0.0.1 is
 * 7f 00 00 01), 4 bytes for inet4, 16 for inet6.
 */
typedef struct wasix_addr_port {
  uint8_t tag;  /* WASIX_AF_INET4 or WASIX_AF_INET6 */
  uint8_t zero;
  uint16_t port;
  uint8_t addr[16];
} wasix_addr_port;

/* __wasi_addr_t: an address without a port (resolve's results), 18 bytes. */
typedef struct wasix_addr {
  uint8_t tag;
  uint8_t zero;
  uint8_t addr[16];
} wasix_addr;

_Static_assert(sizeof(wasix_addr_port) == 20, "__wasi_addr_port_t is 20 bytes");
_Static_assert(offsetof(wasix_addr_port, port) == 2, "port at offset 2");
_Static_assert(offsetof(wasix_addr_port, addr) == 4, "address at offset 4");
_Static_assert(sizeof(wasix_addr) == 18, "__wasi_addr_t is 18 bytes");

#define WASIX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(name)))

/* Creates a socket of family `af` and type `socktype` (proto 0); its fd in *ro_fd. */
WASIX_IMPORT("sock_open")
int32_t wasix_sock_open(int32_t af, int32_t socktype, int32_t proto, int32_t *ro_fd);

/* Binds `fd` to *addr (address 0.0.0.0 = every interface, port 0 = any). ADDRINUSE, ADDRNOTAVAIL. */
WASIX_IMPORT("sock_bind")
int32_t wasix_sock_bind(int32_t fd, const wasix_addr_port *addr);

/* Makes a bound stream socket accept connections, queueing up to `backlog`. */
WASIX_IMPORT("sock_listen")
int32_t wasix_sock_listen(int32_t fd, int32_t backlog);

/*
 * Connects `fd` to *addr. CONNREFUSED when nothing listens there,
 * HOSTUNREACH when no shared network leads to the address, ISCONN if
 * already connected.
 */
WASIX_IMPORT("sock_connect")
int32_t wasix_sock_connect(int32_t fd, const wasix_addr_port *addr);

/*
 * Takes a pending connection of listening socket `fd`: the new socket's fd
 * in *ro_fd (with `fdflags`, e.g. 4 = NONBLOCK) and the peer's address in
 * *ro_addr. Blocks unless `fd` is non-blocking (then AGAIN).
 */
WASIX_IMPORT("sock_accept_v2")
int32_t wasix_sock_accept_v2(int32_t fd, int32_t fdflags, int32_t *ro_fd, wasix_addr_port *ro_addr);

/* The address `fd` is bound to. */
WASIX_IMPORT("sock_addr_local")
int32_t wasix_sock_addr_local(int32_t fd, wasix_addr_port *ret_addr);

/* The address of the peer `fd` is connected to; NOTCONN if none. */
WASIX_IMPORT("sock_addr_peer")
int32_t wasix_sock_addr_peer(int32_t fd, wasix_addr_port *ret_addr);

/* Sets boolean option `opt` (WASIX_OPT_*) to `flag` (0 or 1). */
WASIX_IMPORT("sock_set_opt_flag")
int32_t wasix_sock_set_opt_flag(int32_t fd, int32_t opt, int32_t flag);

/* Reads boolean option `opt` into *ret_flag. */
WASIX_IMPORT("sock_get_opt_flag")
int32_t wasix_sock_get_opt_flag(int32_t fd, int32_t opt, uint8_t *ret_flag);

/*
 * Looks up host name `host` (host_len bytes, no NUL needed): container
 * names and network aliases on the caller's networks, "localhost".
 * Writes up to `naddrs` addresses to `addrs` and their number to
 * *ret_naddrs. An unknown name is success with *ret_naddrs = 0. `port` is
 * the port the caller will connect to (informational, as in WASIX).
 */
WASIX_IMPORT("resolve")
int32_t wasix_resolve(const char *host, int32_t host_len, int32_t port, wasix_addr *addrs,
                      int32_t naddrs, int32_t *ret_naddrs);

#undef WASIX_IMPORT

/* Sets errno from a WASI errno (wasi-libc uses the same numbers). */
static inline int fl__fail(int32_t err) {
  errno = (int)err;
  return -1;
}

static inline void fl__to_wasix(const fl_addr *a, wasix_addr_port *out) {
  memset(out, 0, sizeof *out);
  out->tag = a->family == 6 ? WASIX_AF_INET6 : WASIX_AF_INET4;
  out->port = a->port;
  memcpy(out->addr, a->bytes, a->family == 6 ? 16 : 4);
}

static inline void fl__from_wasix(const wasix_addr_port *in, fl_addr *out) {
  memset(out, 0, sizeof *out);
  out->family = in->tag == WASIX_AF_INET6 ? 6 : 4;
  out->port = in->port;
  memcpy(out->bytes, in->addr, out->family == 6 ? 16 : 4);
}

static inline void fl_net_init(void) {}

static inline int fl_listen(int port, int backlog) {
  if (port < 0 || port > 65535) return fl__fail(EINVAL);
  int32_t fd;
  int32_t err = wasix_sock_open(WASIX_AF_INET4, WASIX_SOCK_STREAM, 0, &fd);
  if (err) return fl__fail(err);
  /* Best effort, as on POSIX: a runtime without the option still listens. */
  (void)wasix_sock_set_opt_flag(fd, WASIX_OPT_REUSE_ADDR, 1);
  wasix_addr_port any = { .tag = WASIX_AF_INET4, .port = (uint16_t)port };
  err = wasix_sock_bind(fd, &any);
  if (!err) err = wasix_sock_listen(fd, backlog);
  if (err) {
    close(fd);
    return fl__fail(err);
  }
  return fd;
}

/* A name that is not a numeric address: ask the runtime. */
static inline int fl__resolve_name(const char *host, uint16_t port, fl_addr *out, int max) {
  wasix_addr found[FL_MAX_ADDRS];
  int32_t n = 0;
  size_t len = strlen(host);
  if (len > 255) return 0; /* longer than any DNS name: no such host */
  int32_t err = wasix_resolve(host, (int32_t)len, port, found, FL_MAX_ADDRS, &n);
  if (err) return fl__fail(err);
  int count = 0;
  for (int32_t i = 0; i < n && i < FL_MAX_ADDRS && count < max; i++) {
    if (found[i].tag != WASIX_AF_INET4 && found[i].tag != WASIX_AF_INET6) continue;
    memset(&out[count], 0, sizeof out[count]);
    out[count].family = found[i].tag == WASIX_AF_INET6 ? 6 : 4;
    out[count].port = port;
    memcpy(out[count].bytes, found[i].addr, out[count].family == 6 ? 16 : 4);
    count++;
  }
  return count;
}

static inline int fl_connect_addr(const fl_addr *addr) {
  int32_t fd;
  int32_t err = wasix_sock_open(addr->family == 6 ? WASIX_AF_INET6 : WASIX_AF_INET4, WASIX_SOCK_STREAM, 0, &fd);
  if (err) return fl__fail(err);
  wasix_addr_port to;
  fl__to_wasix(addr, &to);
  err = wasix_sock_connect(fd, &to);
  if (err) {
    close(fd);
    return fl__fail(err);
  }
  return fd;
}

static inline int fl__accept_addr(int listen_fd, fl_addr *peer) {
  int32_t fd;
  wasix_addr_port from;
  memset(&from, 0, sizeof from);
  int32_t err = wasix_sock_accept_v2(listen_fd, 0, &fd, &from);
  if (err) return fl__fail(err);
  fl__from_wasix(&from, peer);
  return fd;
}

static inline int fl__peer_addr(int fd, fl_addr *peer) {
  wasix_addr_port addr;
  memset(&addr, 0, sizeof addr);
  int32_t err = wasix_sock_addr_peer(fd, &addr);
  if (err) return fl__fail(err);
  fl__from_wasix(&addr, peer);
  return 0;
}

static inline int fl_local_port(int fd) {
  wasix_addr_port addr;
  memset(&addr, 0, sizeof addr);
  int32_t err = wasix_sock_addr_local(fd, &addr);
  if (err) return fl__fail(err);
  return addr.port;
}

static inline int fl_set_nodelay(int fd) {
  int32_t err = wasix_sock_set_opt_flag(fd, WASIX_OPT_NO_DELAY, 1);
  return err ? fl__fail(err) : 0;
}

static inline ssize_t fl_send(int fd, const void *buf, size_t len) {
  return send(fd, buf, len, 0);
}

#else /* !__wasi__: POSIX sockets, for native builds */
/* ------------------------------------------------------------------------ */

#include <netdb.h>
#include <netinet/tcp.h>
#include <signal.h>

static inline void fl_net_init(void) {
  signal(SIGPIPE, SIG_IGN);
}

static inline int fl_listen(int port, int backlog) {
  if (port < 0 || port > 65535) {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)port);
  sin.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, backlog) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

static inline void fl__from_sockaddr(const struct sockaddr *sa, fl_addr *out) {
  memset(out, 0, sizeof *out);
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    out->family = 6;
    out->port = ntohs(s6->sin6_port);
    memcpy(out->bytes, &s6->sin6_addr, 16);
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    out->family = 4;
    out->port = ntohs(s4->sin_port);
    memcpy(out->bytes, &s4->sin_addr, 4);
  }
}

static inline socklen_t fl__to_sockaddr(const fl_addr *a, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (a->family == 6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(a->port);
    memcpy(&s6->sin6_addr, a->bytes, 16);
    return sizeof *s6;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  s4->sin_family = AF_INET;
  s4->sin_port = htons(a->port);
  memcpy(&s4->sin_addr, a->bytes, 4);
  return sizeof *s4;
}

static inline int fl__resolve_name(const char *host, uint16_t port, fl_addr *out, int max) {
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, NULL, &hints, &list);
  if (rc == EAI_SYSTEM) return -1;
  if (rc != 0) return 0; /* any resolver failure: no such host, as curl reports it */
  int count = 0;
  for (struct addrinfo *ai = list; ai && count < max; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    fl__from_sockaddr(ai->ai_addr, &out[count]);
    out[count].port = port;
    count++;
  }
  freeaddrinfo(list);
  return count;
}

static inline int fl_connect_addr(const fl_addr *addr) {
  struct sockaddr_storage ss;
  socklen_t len = fl__to_sockaddr(addr, &ss);
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int rc;
  do rc = connect(fd, (struct sockaddr *)&ss, len);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

static inline int fl__accept_addr(int listen_fd, fl_addr *peer) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  int fd = accept(listen_fd, (struct sockaddr *)&ss, &len);
  if (fd < 0) return -1;
  fl__from_sockaddr((struct sockaddr *)&ss, peer);
  return fd;
}

static inline int fl__peer_addr(int fd, fl_addr *peer) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
  fl__from_sockaddr((struct sockaddr *)&ss, peer);
  return 0;
}

static inline int fl_local_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
  fl_addr a;
  fl__from_sockaddr((struct sockaddr *)&ss, &a);
  return a.port;
}

static inline int fl_set_nodelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static inline ssize_t fl_send(int fd, const void *buf, size_t len) {
#ifdef MSG_NOSIGNAL
  return send(fd, buf, len, MSG_NOSIGNAL);
#else
  return send(fd, buf, len, 0);
#endif
}

#endif /* __wasi__ */

/* ------------------------------------------------------------------------ */
/* Helpers common to both targets                                           */
/* ------------------------------------------------------------------------ */

/* "1.2.3.4" or "::1" (without port). */
static inline void fl_format_ip(const fl_addr *addr, char *buf, size_t size) {
  if (size == 0) return;
  if (!inet_ntop(addr->family == 6 ? AF_INET6 : AF_INET, addr->bytes, buf, (socklen_t)size)) buf[0] = '\0';
}

/* "1.2.3.4:80" or "[::1]:80". */
static inline void fl_format_addr(const fl_addr *addr, char *buf, size_t size) {
  char ip[INET6_ADDRSTRLEN];
  fl_format_ip(addr, ip, sizeof ip);
  if (addr->family == 6)
    snprintf(buf, size, "[%s]:%u", ip, (unsigned)addr->port);
  else
    snprintf(buf, size, "%s:%u", ip, (unsigned)addr->port);
}

/*
 * Addresses for `host` (numeric IPv4, numeric IPv6, or a name) with `port`:
 * up to `max` of them in out. Returns how many (0: no such host), or -1
 * with errno set when the lookup itself failed.
 */
static inline int fl_resolve(const char *host, int port, fl_addr *out, int max) {
  if (port < 0 || port > 65535 || max <= 0) {
    errno = EINVAL;
    return -1;
  }
  memset(&out[0], 0, sizeof out[0]);
  out[0].port = (uint16_t)port;
  if (inet_pton(AF_INET, host, out[0].bytes) == 1) {
    out[0].family = 4;
    return 1;
  }
  if (inet_pton(AF_INET6, host, out[0].bytes) == 1) {
    out[0].family = 6;
    return 1;
  }
  if (host[0] == '\0') return 0;
  return fl__resolve_name(host, (uint16_t)port, out, max);
}

/*
 * A connected TCP socket to host:port. Tries each address of the name in
 * turn and reports the last address's error. Returns the fd, -1 with errno
 * set (e.g. ECONNREFUSED), or FL_ERR_NOHOST when the name does not resolve.
 */
static inline int fl_connect(const char *host, int port) {
  fl_addr addrs[FL_MAX_ADDRS];
  int n = fl_resolve(host, port, addrs, FL_MAX_ADDRS);
  if (n < 0) return -1;
  if (n == 0) return FL_ERR_NOHOST;
  int fd = -1;
  for (int i = 0; i < n && fd < 0; i++) fd = fl_connect_addr(&addrs[i]);
  return fd;
}

/* Accepts a connection; writes "ip:port" of the peer to peer[size] unless peer is NULL. */
static inline int fl_accept(int listen_fd, char *peer, size_t size) {
  fl_addr from;
  int fd;
  do fd = fl__accept_addr(listen_fd, &from);
  while (fd < 0 && errno == EINTR);
  if (fd >= 0 && peer && size) fl_format_addr(&from, peer, size);
  return fd;
}

/* "ip:port" of the peer of connected socket fd. */
static inline int fl_peer_name(int fd, char *buf, size_t size) {
  fl_addr peer;
  if (fl__peer_addr(fd, &peer) < 0) return -1;
  fl_format_addr(&peer, buf, size);
  return 0;
}

/* O_NONBLOCK on (1) or off (0): reads, writes, accept return EAGAIN instead of blocking. */
static inline int fl_set_nonblocking(int fd, int on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  return fcntl(fd, F_SETFL, flags);
}

/* Writes all of buf to a blocking fd; sockets go through fl_send (no SIGPIPE). */
static inline int fl_write_all(int fd, const void *buf, size_t len, int is_socket) {
  const char *p = (const char *)buf;
  while (len > 0) {
    ssize_t n = is_socket ? fl_send(fd, p, len) : write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

#endif /* FLOTILLA_NET_H */
