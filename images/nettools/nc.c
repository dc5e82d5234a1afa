// nc: netcat for TCP, after OpenBSD's nc.
//
//   nc [-v] [-d] [-w SECS] HOST PORT      connect to HOST:PORT
//   nc -l [-v] [-k] [-d] [-w SECS] [-p] PORT
//                                         listen on PORT (every address) for a connection
//   nc -z [-v] HOST PORT[-PORT]           only report whether the ports are open
//
//   -l       listen instead of connecting; -k: afterwards, accept the next
//            connection (one at a time) instead of exiting
//   -p PORT  the port to listen on (nc -l -p PORT, as traditional netcat)
//   -z       connect and close at once (a port scan); PORT may be a range LO-HI
//   -d       do not read stdin (the connection's sending side stays open)
//   -w SECS  close the connection after SECS seconds without traffic
//   -v       report connections and failures on stderr
//   -N, -n   accepted for compatibility: EOF on stdin always shuts down the
//            sending side of the socket, and numeric hosts are never looked up
//
// Once connected, nc copies stdin to the socket and the socket to stdout,
// waiting on both with poll(). At EOF on stdin it shuts down the sending
// side of the socket (the peer reads EOF) and keeps printing what arrives;
// it exits when the peer closes the connection.
//
// Exit status: 0 success (-z: at least one port is open); 1 could not
// resolve, connect or listen (-z: every port is closed), or an I/O error;
// 2 bad usage.
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <flotilla_net.h>

#include "nettools.h"

struct nc_options {
  int listen, keep, zero_io, verbose, no_stdin;
  int timeout_ms;  // -w, or -1
};

static int usage(FILE *to, int status) {
  fprintf(to, "Usage: nc [-v] [-d] [-w SECS] HOST PORT\n"
              "       nc -l [-v] [-k] [-d] [-w SECS] [-p] PORT\n"
              "       nc -z [-v] HOST PORT[-PORT]\n"
              "  -l listen, -k keep listening, -p PORT port to listen on, -z only check\n"
              "  the ports, -d do not read stdin, -w SECS idle timeout, -v verbose.\n"
              "EOF on stdin shuts down the socket's sending side; nc exits when the peer closes.\n"
              "Exit status: 0 ok (-z: a port is open), 1 connection or I/O failure, 2 bad usage.\n");
  return status;
}

// Copies stdin -> sock and sock -> stdout until the peer closes. Returns the exit status.
static int relay(int sock, const struct nc_options *o) {
  int stdin_open = !o->no_stdin;
  char buf[16384];
  for (;;) {
    struct pollfd pfds[2];
    int n = 0, in_index = -1;
    if (stdin_open) {
      pfds[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
      in_index = n++;
    }
    pfds[n] = (struct pollfd){ .fd = sock, .events = POLLIN };
    int net_index = n++;
    int ready = poll(pfds, (nfds_t)n, o->timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "nc: poll: %s\n", strerror(errno));
      return 1;
    }
    if (ready == 0) {
      if (o->verbose) fprintf(stderr, "nc: connection idle for %d s, closing\n", o->timeout_ms / 1000);
      return 0;
    }
    if (in_index >= 0 && pfds[in_index].revents) {
      ssize_t got = read(0, buf, sizeof buf);
      if (got > 0) {
        if (fl_write_all(sock, buf, (size_t)got, 1) < 0) {
          // The peer stopped reading: what it still sends is printed below.
          if (o->verbose) fprintf(stderr, "nc: write to the connection failed: %s\n", strerror(errno));
          stdin_open = 0;
        }
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        if (got < 0) fprintf(stderr, "nc: read from stdin: %s\n", strerror(errno));
        stdin_open = 0;
        if (shutdown(sock, SHUT_WR) < 0 && errno != ENOTCONN && o->verbose) {
          fprintf(stderr, "nc: shutdown: %s\n", strerror(errno));
        }
      }
    }
    if (pfds[net_index].revents) {
      ssize_t got = recv(sock, buf, sizeof buf, 0);
      if (got > 0) {
        if (fl_write_all(1, buf, (size_t)got, 0) < 0) {
          fprintf(stderr, "nc: write to stdout: %s\n", strerror(errno));
          return 1;
        }
      } else if (got == 0) {
        return 0;
      } else if (errno != EINTR && errno != EAGAIN) {
        if (o->verbose || errno != ECONNRESET) fprintf(stderr, "nc: read from the connection: %s\n", strerror(errno));
        return errno == ECONNRESET ? 0 : 1;
      }
    }
  }
}

// "PORT" or "LO-HI" (for -z).
static int parse_ports(const char *text, int *lo, int *hi, int allow_range) {
  const char *dash = allow_range ? strchr(text, '-') : NULL;
  if (!dash) {
    *lo = *hi = nt_parse_port(text);
    return *lo < 0 ? -1 : 0;
  }
  char first[8];
  size_t n = (size_t)(dash - text);
  if (n == 0 || n >= sizeof first) return -1;
  memcpy(first, text, n);
  first[n] = '\0';
  *lo = nt_parse_port(first);
  *hi = nt_parse_port(dash + 1);
  return *lo < 0 || *hi < 0 || *lo > *hi ? -1 : 0;
}

static int scan(const char *host, int lo, int hi, const struct nc_options *o) {
  int open_ports = 0;
  for (int port = lo; port <= hi; port++) {
    int fd = fl_connect(host, port);
    if (fd == FL_ERR_NOHOST) {
      fprintf(stderr, "nc: getaddrinfo for host \"%s\" port %d: Name or service not known\n", host, port);
      return 1;
    }
    if (fd >= 0) {
      open_ports++;
      if (o->verbose) fprintf(stderr, "Connection to %s %d port [tcp/*] succeeded!\n", host, port);
      close(fd);
    } else if (o->verbose) {
      fprintf(stderr, "nc: connect to %s port %d (tcp) failed: %s\n", host, port, strerror(errno));
    }
  }
  return open_ports ? 0 : 1;
}

static int serve(int port, const struct nc_options *o) {
  int lfd = fl_listen(port, o->keep ? 16 : 1);
  if (lfd < 0) {
    fprintf(stderr, "nc: cannot listen on port %d: %s\n", port, strerror(errno));
    return 1;
  }
  if (o->verbose) fprintf(stderr, "Listening on 0.0.0.0 %d\n", port);
  int status = 0;
  do {
    char peer[FL_ADDRSTRLEN];
    int fd = fl_accept(lfd, peer, sizeof peer);
    if (fd < 0) {
      fprintf(stderr, "nc: accept: %s\n", strerror(errno));
      close(lfd);
      return 1;
    }
    if (o->verbose) {
      char *colon = strrchr(peer, ':');
      if (colon) *colon = ' ';  // "HOST PORT", as OpenBSD nc prints it
      fprintf(stderr, "Connection received on %s\n", peer);
    }
    if (!o->keep) close(lfd);
    status = relay(fd, o);
    close(fd);
  } while (o->keep);
  return status;
}

int nc_main(int argc, char **argv) {
  fl_net_init();
  struct nc_options o = { .timeout_ms = -1 };
  const char *listen_port = NULL;
  const char *args[2];
  int nargs = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0) return usage(stdout, 0);
    if (arg[0] != '-' || arg[1] == '\0') {
      if (nargs == 2) {
        fprintf(stderr, "nc: too many arguments ('%s')\n", arg);
        return usage(stderr, 2);
      }
      args[nargs++] = arg;
      continue;
    }
    for (const char *p = arg + 1; *p; p++) {
      if (*p == 'p' || *p == 'w') {  // the value is the rest of this argument, or the next one
        const char *value = p[1] ? p + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!value) {
          fprintf(stderr, "nc: option -%c needs an argument\n", *p);
          return usage(stderr, 2);
        }
        if (*p == 'p') {
          listen_port = value;
        } else {
          char *end;
          long secs = strtol(value, &end, 10);
          if (end == value || *end || secs < 1 || secs > 86400) {
            fprintf(stderr, "nc: timeout '%s' is not a number of seconds (1-86400)\n", value);
            return 2;
          }
          o.timeout_ms = (int)secs * 1000;
        }
        break;
      }
      switch (*p) {
        case 'l': o.listen = 1; break;
        case 'k': o.keep = 1; break;
        case 'z': o.zero_io = 1; break;
        case 'v': o.verbose = 1; break;
        case 'd': o.no_stdin = 1; break;
        case 'N': case 'n': break;
        case 'h': return usage(stdout, 0);
        case 'u':
          fprintf(stderr, "nc: UDP (-u) is not supported\n");
          return 2;
        default:
          fprintf(stderr, "nc: unknown option -%c\n", *p);
          return usage(stderr, 2);
      }
    }
  }

  if (o.listen) {
    if (o.zero_io) {
      fprintf(stderr, "nc: -l and -z cannot be used together\n");
      return 2;
    }
    // nc -l PORT, nc -l -p PORT, nc -l HOST PORT (HOST ignored: every address)
    const char *port_text = listen_port ? listen_port : nargs ? args[nargs - 1] : NULL;
    if (!port_text || (listen_port && nargs > 1) || (!listen_port && nargs > 2)) return usage(stderr, 2);
    int port = nt_parse_port(port_text);
    if (port < 0) {
      fprintf(stderr, "nc: port number invalid: %s\n", port_text);
      return 2;
    }
    return serve(port, &o);
  }

  if (nargs != 2) return usage(stderr, 2);
  int lo, hi;
  if (parse_ports(args[1], &lo, &hi, o.zero_io) < 0) {
    fprintf(stderr, "nc: port number invalid: %s\n", args[1]);
    return 2;
  }
  if (o.zero_io) return scan(args[0], lo, hi, &o);

  int fd = fl_connect(args[0], lo);
  if (fd == FL_ERR_NOHOST) {
    fprintf(stderr, "nc: getaddrinfo for host \"%s\" port %d: Name or service not known\n", args[0], lo);
    return 1;
  }
  if (fd < 0) {
    fprintf(stderr, "nc: connect to %s port %d (tcp) failed: %s\n", args[0], lo, strerror(errno));
    return 1;
  }
  if (o.verbose) fprintf(stderr, "Connection to %s %d port [tcp/*] succeeded!\n", args[0], lo);
  int status = relay(fd, &o);
  close(fd);
  return status;
}
