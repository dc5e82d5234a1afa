// hello: the smallest useful container program. It greets, then prints its
// arguments and environment in a fixed, line-oriented format so tests (and
// people) can check exactly what the runtime passed in.
//
//   hello [--exit N] [--stderr MSG]... [--quiet] [ARG...]
//
// Exit status: N from --exit (0..255), 0 by default, 2 on a usage error.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int parse_exit_code(const char *text, int *out) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0 || value > 255) return -1;
  *out = (int)value;
  return 0;
}

int main(int argc, char **argv) {
  int exit_code = 0;
  int quiet = 0;

  // Options are parsed first so a bad --exit fails before any output.
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--exit") == 0) {
      if (i + 1 >= argc || parse_exit_code(argv[i + 1], &exit_code) != 0) {
        fprintf(stderr, "hello: --exit needs a number from 0 to 255\n");
        return 2;
      }
      i++;
    } else if (strcmp(argv[i], "--stderr") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "hello: --stderr needs a message\n");
        return 2;
      }
      i++;
    } else if (strcmp(argv[i], "--quiet") == 0) {
      quiet = 1;
    }
  }

  if (!quiet) {
    printf("Hello from Flotilla!\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    int n = 0;
    for (char **env = environ; env && *env; env++, n++) printf("env[%d]=%s\n", n, *env);
    printf("envc=%d\n", n);
  }
  // stdout is flushed before stderr is written so the two streams have a
  // predictable relative order when a runtime merges them.
  fflush(stdout);

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--stderr") == 0) {
      fprintf(stderr, "%s\n", argv[++i]);
    } else if (strcmp(argv[i], "--exit") == 0) {
      i++;
    }
  }
  return exit_code;
}
