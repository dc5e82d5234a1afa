// nettools: a multi-call binary of network clients. The applet is the name
// it was started as (curl, nc, loadgen: hard links or #!flotilla:program
// markers in other images), or the first argument:
//
//   nettools APPLET [ARGS...]
//   nettools --list
//
// Each applet documents its options and exit status at the top of its
// source file and with --help. nettools itself exits 2 for an unknown applet.
#include "nettools.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nt_parse_port(const char *text) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < 1 || v > 65535) return -1;
  return (int)v;
}

static const struct {
  const char *name;
  int (*main)(int, char **);
} applets[] = {
  {"curl", curl_main},
  {"loadgen", loadgen_main},
  {"nc", nc_main},
};

static int (*find_applet(const char *name))(int, char **) {
  for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) {
    if (strcmp(applets[i].name, name) == 0) return applets[i].main;
  }
  return NULL;
}

static int usage(FILE *to, int status) {
  fprintf(to, "Usage: nettools APPLET [ARGS...]   (or started as APPLET)\n"
              "       nettools --list\n"
              "Applets:");
  for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) fprintf(to, " %s", applets[i].name);
  fprintf(to, "\nRun 'nettools APPLET --help' for an applet's options.\n");
  return status;
}

int main(int argc, char **argv) {
  const char *self = argc > 0 && argv[0] ? argv[0] : "nettools";
  const char *slash = strrchr(self, '/');
  const char *name = slash ? slash + 1 : self;
  int (*applet)(int, char **) = find_applet(name);
  if (applet) return applet(argc, argv);

  if (argc < 2) return usage(stderr, 2);
  if (strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) puts(applets[i].name);
    return 0;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) return usage(stdout, 0);
  applet = find_applet(argv[1]);
  if (!applet) {
    fprintf(stderr, "nettools: unknown applet '%s'\n", argv[1]);
    return usage(stderr, 2);
  }
  return applet(argc - 1, argv + 1);
}
