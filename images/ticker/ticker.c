/*
 * ticker: prints "tick N from HOSTNAME" every INTERVAL milliseconds, COUNT
 * times (0: forever). A long-lived, talkative container for the fleet demo.
 *
 *   ticker [INTERVAL_MS [COUNT]]        defaults: 1000 ms, forever
 *
 * Exit status: 0 after COUNT ticks, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int parse(const char *text, long min, long max, long *out) {
  char *end;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < min || value > max) return -1;
  *out = value;
  return 0;
}

int main(int argc, char **argv) {
  long interval = 1000, count = 0;
  if (argc > 3 || (argc > 1 && parse(argv[1], 1, 86400000, &interval) != 0) || (argc > 2 && parse(argv[2], 0, 1L << 30, &count) != 0)) {
    fprintf(stderr, "usage: ticker [INTERVAL_MS (1..86400000) [COUNT (0 = forever)]]\n");
    return 2;
  }
  const char *host = getenv("HOSTNAME");
  if (!host) host = "unknown";
  for (long tick = 1; count == 0 || tick <= count; tick++) {
    printf("tick %ld from %s\n", tick, host);
    fflush(stdout);
    if (count != 0 && tick == count) break;
    struct timespec pause = { interval / 1000, (interval % 1000) * 1000000L };
    nanosleep(&pause, NULL);
  }
  return 0;
}
