// kv: one program, two names. Started as kv-cli (a hard link, or a
// #!flotilla:program kv marker named kv-cli in another image) it is the
// command-line client (cli.c); under any other name, the server (server.c).
// `kv cli ARGS...` and `kv server ARGS...` choose explicitly.
#include <string.h>

#include "kv.h"

int main(int argc, char **argv) {
  const char *self = argc > 0 && argv[0] ? argv[0] : "kv";
  const char *slash = strrchr(self, '/');
  const char *name = slash ? slash + 1 : self;
  if (strcmp(name, "kv-cli") == 0) return kv_cli_main(argc, argv);
  if (argc > 1 && strcmp(argv[1], "cli") == 0) return kv_cli_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "server") == 0) return kv_server_main(argc - 1, argv + 1);
  return kv_server_main(argc, argv);
}
