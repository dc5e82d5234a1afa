// stress: pushes a container against its resource limits, for tests of
// quotas (README: "Resource limits"). Commands run in order, separated by
// ';', like fileio:
//
//   stress CMD ARGS [';' CMD ARGS]...
//
//   fill PATH          write 64 KiB blocks to PATH until a write fails;
//                      prints "fill: N bytes, then ENOSPC" (or the errno's name)
//   files DIR          create empty files DIR/f0, DIR/f1, ... until one fails;
//                      prints "files: N, then EDQUOT"
//   deep DIR           mkdir DIR/d/d/d/... (each level relative to the last,
//                      through directory fds) until one fails; "deep: N, then ENOSPC"
//   openmax PATH       open PATH read-only again and again until open fails;
//                      prints "openmax: N, then EMFILE" (N: descriptors opened)
//   open PATH N        open PATH N times and keep the descriptors
//   write PATH BYTES   write BYTES bytes ('x') to PATH; on failure prints
//                      "write: PATH: ENOSPC" and exits 1
//   rm PATH            unlink PATH
//   alloc MIB          malloc and touch MIB MiB, kept until exit
//   stdout BYTES       write BYTES bytes to stdout in 64 KiB writes, lines of
//                      64 bytes ('x' * 63 + '\n'); BYTES may end in K, M or G
//   spawnmax           start "stress hold" children (flotilla_v1 proc_spawn)
//                      until a start fails; prints "spawnmax: N, then EAGAIN"
//   bomb               a spawn bomb: every process starts copies of itself
//                      forever, retrying after 5 ms when a start fails
//   line               read stdin up to a newline or end of input
//   hold               read stdin until end of input (keeps everything held)
//   say TEXT           print TEXT and a newline
//
// /bin/stress is built without the flotilla_v1 imports, so it runs on the
// container worker's own thread (spawnmax and bomb report ENOSYS there);
// /bin/stress-proc is the same program with them, so it runs under the
// container kernel in a process worker of its own.
// Exit status: 0 ok, 1 a command failed, 2 usage error.
#include <errno.h>
#include <fcntl.h>
#include <flotilla.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (64 * 1024)

extern char **environ;

static const char *errno_name(int err) {
  switch (err) {
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EFBIG: return "EFBIG";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
    default: return strerror(err);
  }
}

static int usage(const char *detail) {
  fprintf(stderr, "stress: %s\nusage: stress CMD ARGS [';' CMD ARGS]... (fill, files, deep, openmax, open, write, rm, alloc, stdout, spawnmax, bomb, line, hold, say)\n", detail);
  return 2;
}

static int parse_size(const char *text, long long *out) {
  char *end;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || end == text || value < 0) return -1;
  if (*end == 'K') value <<= 10, end++;
  else if (*end == 'M') value <<= 20, end++;
  else if (*end == 'G') value <<= 30, end++;
  if (*end != '\0') return -1;
  *out = value;
  return 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

static int fill(const char *path) {
  static char block[BLOCK];
  memset(block, 'x', sizeof block);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    printf("fill: %s: %s\n", path, errno_name(errno));
    return 1;
  }
  long long total = 0;
  for (;;) {
    ssize_t n = write(fd, block, sizeof block);
    if (n < 0) break;
    total += n;
  }
  int err = errno;
  close(fd);
  printf("fill: %lld bytes, then %s\n", total, errno_name(err));
  return 0;
}

static int files(const char *dir) {
  char path[4096];
  long count = 0;
  for (;;) {
    snprintf(path, sizeof path, "%s/f%ld", dir, count);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) break;
    close(fd);
    count++;
  }
  printf("files: %ld, then %s\n", count, errno_name(errno));
  return 0;
}

static int deep(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    printf("deep: %s: %s\n", dir, errno_name(errno));
    return 1;
  }
  long depth = 0;
  int err;
  for (;;) {
    if (mkdirat(fd, "d", 0755) != 0) { err = errno; break; }
    int next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
    if (next < 0) { err = errno; break; }
    close(fd);
    fd = next;
    depth++;
  }
  close(fd);
  printf("deep: %ld, then %s\n", depth, errno_name(err));
  return 0;
}

static int openmax(const char *path) {
  long count = 0;
  while (open(path, O_RDONLY) >= 0) count++;
  printf("openmax: %ld, then %s\n", count, errno_name(errno));
  return 0;
}

static int open_many(const char *path, long count) {
  for (long i = 0; i < count; i++) {
    if (open(path, O_RDONLY) < 0) {
      printf("open: %s: %s after %ld\n", path, errno_name(errno), i);
      return 1;
    }
  }
  return 0;
}

static int write_file(const char *path, long long bytes) {
  static char block[BLOCK];
  memset(block, 'x', sizeof block);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    printf("write: %s: %s\n", path, errno_name(errno));
    return 1;
  }
  while (bytes > 0) {
    size_t chunk = bytes < BLOCK ? (size_t)bytes : BLOCK;
    ssize_t n = write(fd, block, chunk);
    if (n < 0) {
      printf("write: %s: %s\n", path, errno_name(errno));
      close(fd);
      return 1;
    }
    bytes -= n;
  }
  close(fd);
  return 0;
}

// Chained from a global so the optimiser cannot drop the allocations.
static void *volatile kept;

static int alloc(long long mib) {
  for (long long i = 0; i < mib; i++) {
    char *block = malloc(1 << 20);
    if (!block) {
      printf("alloc: %s after %lld MiB\n", errno_name(ENOMEM), i);
      return 1;
    }
    memset(block, 0xA5, 1 << 20);
    *(void **)block = kept;
    kept = block;
  }
  return 0;
}

static int to_stdout(long long bytes) {
  static char block[BLOCK];
  for (size_t i = 0; i < sizeof block; i++) block[i] = (i % 64 == 63) ? '\n' : 'x';
  while (bytes > 0) {
    size_t chunk = bytes < BLOCK ? (size_t)bytes : BLOCK;
    ssize_t n = write(STDOUT_FILENO, block, chunk);
    if (n < 0) {
      fprintf(stderr, "stdout: %s\n", errno_name(errno));
      return 1;
    }
    bytes -= n;
  }
  return 0;
}

// Starts `/bin/stress-proc MODE` with our environment; returns the WASI errno.
static int32_t spawn_self(const char *mode, int32_t *pid) {
  static char env[8192];
  size_t len = 0;
  for (char **e = environ; e && *e; e++) {
    size_t n = strlen(*e) + 1;
    if (len + n > sizeof env) break;
    memcpy(env + len, *e, n);
    len += n;
  }
  char argv[128];
  int argv_len = snprintf(argv, sizeof argv, "/bin/stress-proc%c%s", '\0', mode) + 1;
  return flotilla_proc_spawn(argv, (size_t)argv_len, env, len, "/", 1, pid);
}

static int spawnmax(void) {
  long count = 0;
  int32_t pid, err;
  while ((err = spawn_self("hold", &pid)) == 0) count++;
  printf("spawnmax: %ld, then %s\n", count, errno_name(err));
  return 0;
}

static int bomb(void) {
  fflush(stdout);
  for (;;) {
    int32_t pid;
    if (spawn_self("bomb", &pid) != 0) sleep_ms(5);
  }
}

static int line(void) {
  char c;
  while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {}
  return 0;
}

static int hold(void) {
  char buf[256];
  while (read(STDIN_FILENO, buf, sizeof buf) > 0) {}
  return 0;
}

static int run(int argc, char **argv) {
  const char *cmd = argv[0];
  long long n;
#define NEED(count, what) if (argc != (count) + 1) return usage(what)
  if (strcmp(cmd, "fill") == 0) { NEED(1, "fill PATH"); return fill(argv[1]); }
  if (strcmp(cmd, "files") == 0) { NEED(1, "files DIR"); return files(argv[1]); }
  if (strcmp(cmd, "deep") == 0) { NEED(1, "deep DIR"); return deep(argv[1]); }
  if (strcmp(cmd, "openmax") == 0) { NEED(1, "openmax PATH"); return openmax(argv[1]); }
  if (strcmp(cmd, "open") == 0) {
    NEED(2, "open PATH N");
    if (parse_size(argv[2], &n) != 0) return usage("open: N must be a count");
    return open_many(argv[1], (long)n);
  }
  if (strcmp(cmd, "write") == 0) {
    NEED(2, "write PATH BYTES");
    if (parse_size(argv[2], &n) != 0) return usage("write: BYTES must be a size");
    return write_file(argv[1], n);
  }
  if (strcmp(cmd, "rm") == 0) {
    NEED(1, "rm PATH");
    if (unlink(argv[1]) != 0) {
      printf("rm: %s: %s\n", argv[1], errno_name(errno));
      return 1;
    }
    return 0;
  }
  if (strcmp(cmd, "alloc") == 0) {
    NEED(1, "alloc MIB");
    if (parse_size(argv[1], &n) != 0) return usage("alloc: MIB must be a count");
    return alloc(n);
  }
  if (strcmp(cmd, "stdout") == 0) {
    NEED(1, "stdout BYTES");
    if (parse_size(argv[1], &n) != 0) return usage("stdout: BYTES must be a size");
    return to_stdout(n);
  }
  if (strcmp(cmd, "spawnmax") == 0) { NEED(0, "spawnmax"); return spawnmax(); }
  if (strcmp(cmd, "bomb") == 0) { NEED(0, "bomb"); return bomb(); }
  if (strcmp(cmd, "line") == 0) { NEED(0, "line"); return line(); }
  if (strcmp(cmd, "hold") == 0) { NEED(0, "hold"); return hold(); }
  if (strcmp(cmd, "say") == 0) { NEED(1, "say TEXT"); puts(argv[1]); return 0; }
#undef NEED
  char detail[128];
  snprintf(detail, sizeof detail, "unknown command '%s'", cmd);
  return usage(detail);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) return usage("no command");
  int start = 1;
  for (int i = 1; i <= argc; i++) {
    if (i < argc && strcmp(argv[i], ";") != 0) continue;
    if (i == start) return usage("empty command");
    char *saved = argv[i];
    argv[i] = NULL;
    int status = run(i - start, argv + start);
    argv[i] = saved;
    if (status != 0) return status;
    start = i + 1;
  }
  return 0;
}
