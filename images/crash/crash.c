// crash: misbehaves on request, for tests of the runtime's failure paths
// (traps, memory limits, runaway loops, timers).
//
//   crash trap         __builtin_trap(): the wasm 'unreachable' instruction
//   crash abort        abort() (wasi-libc also ends in 'unreachable')
//   crash oob          load past the end of linear memory: out-of-bounds trap
//   crash divzero      integer division by zero: a trap in wasm
//   crash stack        unbounded recursion; built with --stack-first, so the
//                      stack overflows below address 0 and traps out of bounds
//   crash oom          malloc 1 MiB blocks until malloc returns NULL, then
//                      report on stderr and exit 3 (graceful out-of-memory)
//   crash oom-abort    same, but abort() when malloc fails (what most
//                      languages' allocators do): a trap at the memory limit
//   crash spin         print "spinning", then loop forever without syscalls
//   crash sleep SECS   sleep (nanosleep -> poll_oneoff), print "slept SECS", exit 0
//   crash poll MS      poll stdin for MS ms (-1: forever): print "stdin ready: LINE",
//                      "stdin closed" or "timeout"
//   crash exit N       exit with status N
//
// The module's memory is capped at 64 MiB at link time (see image.json),
// so 'oom' is quick and the limit is visible in the binary.
// Exit status: 0 ok, 2 usage error, 3 out of memory (oom), or N (exit N).
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static int usage(const char *detail) {
  fprintf(stderr, "crash: %s\nusage: crash trap|abort|oob|divzero|stack|oom|oom-abort|spin|sleep SECS|poll MS|exit N\n", detail);
  return 2;
}

static int parse_long(const char *text, long min, long max, long *out) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max) return -1;
  *out = value;
  return 0;
}

// Blocks are chained from a global so they stay reachable: an allocation
// nothing uses may legally be removed by the optimiser, which would make
// the loop below never fail.
static void *volatile blocks_head;

// Allocates and touches 1 MiB blocks until malloc fails; returns the count.
static long fill_memory(void) {
  long blocks = 0;
  for (;;) {
    char *block = malloc(MIB);
    if (!block) return blocks;
    memset(block, 0xA5, MIB);
    *(void **)block = blocks_head;
    blocks_head = block;
    blocks++;
  }
}

// noinline + a volatile frame keep the recursion real (no tail call, no
// loop). It is infinite on purpose, so clang's warning about that is off.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static long recurse(long depth) {
  volatile char frame[256];
  frame[depth % 256] = (char)depth;
  return recurse(depth + 1) + frame[(depth + 1) % 256];
}
#pragma clang diagnostic pop

int main(int argc, char **argv) {
  if (argc < 2) return usage("no mode");
  const char *mode = argv[1];
  setvbuf(stdout, NULL, _IOLBF, 0);

  if (strcmp(mode, "trap") == 0) {
    puts("crash: trapping");
    __builtin_trap();
  }
  if (strcmp(mode, "abort") == 0) {
    puts("crash: aborting");
    abort();
  }
  if (strcmp(mode, "oob") == 0) {
    // One page past the current end of memory, computed at run time so the
    // compiler cannot prove (and exploit) the undefined behaviour.
    uintptr_t end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
    volatile uint8_t *p = (volatile uint8_t *)(end + 65536u);
    puts("crash: reading out of bounds");
    return *p;
  }
  if (strcmp(mode, "divzero") == 0) {
    // Both operands volatile: for a constant dividend the optimiser may
    // rewrite n / x without a division (1 / x becomes a compare).
    volatile int zero = 0, numerator = 42;
    puts("crash: dividing by zero");
    return numerator / zero;
  }
  if (strcmp(mode, "stack") == 0) {
    puts("crash: recursing");
    return (int)recurse(0);
  }
  if (strcmp(mode, "oom") == 0 || strcmp(mode, "oom-abort") == 0) {
    long blocks = fill_memory();
    fprintf(stderr, "crash: out of memory: malloc failed after %ld MiB\n", blocks);
    if (strcmp(mode, "oom-abort") == 0) abort();
    return 3;
  }
  if (strcmp(mode, "spin") == 0) {
    puts("spinning");
    volatile unsigned long counter = 0;
    for (;;) counter++;
  }
  if (strcmp(mode, "sleep") == 0) {
    if (argc != 3) return usage("sleep needs SECS");
    char *end;
    double seconds = strtod(argv[2], &end);
    if (end == argv[2] || *end != '\0' || !(seconds >= 0) || seconds > 1e6) return usage("SECS must be a number of seconds");
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts) != 0) {
      if (errno != EINTR) {
        fprintf(stderr, "crash: nanosleep: %s\n", strerror(errno));
        return 1;
      }
    }
    printf("slept %s\n", argv[2]);
    return 0;
  }
  if (strcmp(mode, "poll") == 0) {
    long ms;
    if (argc != 3 || parse_long(argv[2], -1, 86400000, &ms) != 0) return usage("poll needs MS (-1 to wait forever)");
    struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
    int ready = poll(&pfd, 1, (int)ms);
    if (ready < 0) {
      fprintf(stderr, "crash: poll: %s\n", strerror(errno));
      return 1;
    }
    if (ready == 0) {
      puts("timeout");
      return 0;
    }
    char line[256];
    if (fgets(line, sizeof line, stdin)) {
      line[strcspn(line, "\n")] = '\0';
      printf("stdin ready: %s\n", line);
    } else {
      puts("stdin closed");
    }
    return 0;
  }
  if (strcmp(mode, "exit") == 0) {
    long code;
    if (argc != 3 || parse_long(argv[2], 0, 255, &code) != 0) return usage("exit needs N from 0 to 255");
    return (int)code;
  }
  char detail[128];
  snprintf(detail, sizeof detail, "unknown mode '%s'", mode);
  return usage(detail);
}
