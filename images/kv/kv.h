// kv.h: the two programs of the kv multi-call binary (kv.c picks one by name).
#ifndef KV_H
#define KV_H

int kv_server_main(int argc, char **argv);  // server.c
int kv_cli_main(int argc, char **argv);     // cli.c

#endif
