// iobench: the file-I/O and pipe workload of the peer benchmarks (bench/peers),
// one wasm32-wasip1 command run unchanged by Flotilla, @bjorn3/browser_wasi_shim
// and @wasmer/sdk. Built like the images' programs (scripts/wasi-cc.mjs, -O2).
// Times are taken inside the guest with clock_gettime(CLOCK_MONOTONIC), so
// they exclude the runtime's start-up.
//
//   iobench io PATH MIB      write MIB MiB to PATH in 64 KiB writes, close, read it
//                            back in 64 KiB reads and check every byte:
//                            "write_ms=W read_ms=R bytes=N"
//   iobench produce MIB      write MIB MiB to stdout in 64 KiB writes
//   iobench consume          read stdin to EOF: "consume_ms=T bytes=N" (T from the
//                            first byte to EOF)
//
// Exit status: 0 on success, 1 when an operation fails or the data read back
// differ, 2 on a usage error.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static unsigned char buffer[CHUNK];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int fail(const char *what, const char *path) {
  fprintf(stderr, "iobench: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

/** Chunk `index` is filled with a byte that depends on it, so a short or misplaced read shows. */
static void fill(long index) {
  memset(buffer, (int)(index * 31 + 7) & 0xff, CHUNK);
}

static int write_all(int fd, const unsigned char *data, size_t size) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += written;
    size -= (size_t)written;
  }
  return 0;
}

static long parse_mib(const char *text) {
  char *end;
  long value = strtol(text, &end, 10);
  return (end == text || *end != '\0' || value <= 0 || value > 4096) ? -1 : value;
}

static int cmd_io(const char *path, long mib) {
  long chunks = mib * (1024 * 1024 / CHUNK);
  double started = now_ms();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return fail("open", path);
  for (long i = 0; i < chunks; i++) {
    fill(i);
    if (write_all(fd, buffer, CHUNK) != 0) return fail("write", path);
  }
  if (close(fd) != 0) return fail("close", path);
  double written = now_ms();

  fd = open(path, O_RDONLY);
  if (fd < 0) return fail("open", path);
  long long total = 0;
  for (long i = 0;; i++) {
    size_t have = 0;
    while (have < CHUNK) {
      ssize_t got = read(fd, buffer + have, CHUNK - have);
      if (got < 0) {
        if (errno == EINTR) continue;
        return fail("read", path);
      }
      if (got == 0) break;
      have += (size_t)got;
    }
    if (have == 0) break;
    unsigned char expected = (unsigned char)((i * 31 + 7) & 0xff);
    if (have != CHUNK || buffer[0] != expected || buffer[CHUNK - 1] != expected || buffer[CHUNK / 2] != expected) {
      fprintf(stderr, "iobench: %s: chunk %ld differs\n", path, i);
      return 1;
    }
    total += (long long)have;
  }
  close(fd);
  double read_back = now_ms();
  if (total != (long long)chunks * CHUNK) {
    fprintf(stderr, "iobench: %s: read %lld bytes, wrote %lld\n", path, total, (long long)chunks * CHUNK);
    return 1;
  }
  unlink(path);
  printf("write_ms=%.3f read_ms=%.3f bytes=%lld\n", written - started, read_back - written, total);
  return 0;
}

static int cmd_produce(long mib) {
  long chunks = mib * (1024 * 1024 / CHUNK);
  for (long i = 0; i < chunks; i++) {
    fill(i);
    if (write_all(1, buffer, CHUNK) != 0) return fail("write", "stdout");
  }
  return 0;
}

static int cmd_consume(void) {
  long long total = 0;
  double first = 0;
  for (;;) {
    ssize_t got = read(0, buffer, CHUNK);
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail("read", "stdin");
    }
    if (got == 0) break;
    if (total == 0) first = now_ms();
    total += got;
  }
  printf("consume_ms=%.3f bytes=%lld\n", total ? now_ms() - first : 0.0, total);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "io") == 0 && parse_mib(argv[3]) > 0) return cmd_io(argv[2], parse_mib(argv[3]));
  if (argc == 3 && strcmp(argv[1], "produce") == 0 && parse_mib(argv[2]) > 0) return cmd_produce(parse_mib(argv[2]));
  if (argc == 2 && strcmp(argv[1], "consume") == 0) return cmd_consume();
  fprintf(stderr, "usage: iobench io PATH MIB | produce MIB | consume\n");
  return 2;
}
