// interactive: a line-oriented conversation over stdin, for tests of
// blocking stdin, prompts without newlines and exit codes.
//
//   interactive [--no-prompt]
//
// Prints "> " (no newline, flushed) before each read; answers each line
// with "you said: LINE (line N)". A line "exit N" ends with status N
// (0..255) right away; end of input ends with status 0 after a summary
// "bye: N lines, M bytes". Status 2 for a bad option.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int prompt = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-prompt") == 0) {
      prompt = 0;
    } else {
      fprintf(stderr, "interactive: unknown option '%s'\nusage: interactive [--no-prompt]\n", argv[i]);
      return 2;
    }
  }
  char *line = NULL;
  size_t capacity = 0;
  long lines = 0, bytes = 0;
  for (;;) {
    if (prompt) {
      fputs("> ", stdout);
      // The prompt has no newline: flush so it is visible before we block.
      fflush(stdout);
    }
    ssize_t length = getline(&line, &capacity, stdin);
    if (length < 0) {
      if (ferror(stdin)) {
        fprintf(stderr, "interactive: reading stdin: %s\n", strerror(errno));
        free(line);
        return 1;
      }
      break;
    }
    bytes += length;
    if (length > 0 && line[length - 1] == '\n') line[--length] = '\0';
    if (length > 0 && line[length - 1] == '\r') line[--length] = '\0';
    lines++;
    char *end;
    if (strncmp(line, "exit ", 5) == 0) {
      long code = strtol(line + 5, &end, 10);
      if (end != line + 5 && *end == '\0' && code >= 0 && code <= 255) {
        printf("exiting with %ld after %ld lines\n", code, lines);
        free(line);
        return (int)code;
      }
    }
    printf("you said: %s (line %ld)\n", line, lines);
    fflush(stdout);
  }
  if (prompt) putchar('\n');
  printf("bye: %ld lines, %ld bytes\n", lines, bytes);
  free(line);
  return 0;
}
