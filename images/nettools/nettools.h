// nettools.h: what the applets of the nettools multi-call binary share.
#ifndef NETTOOLS_H
#define NETTOOLS_H

#include <stddef.h>

// A growable byte buffer; every function returns 0, or -1 when out of memory.
// Growable byte buffers: struct fl_buf and its functions (images/include).
#include <flotilla_buf.h>


// Parses a TCP port (1-65535); -1 if `text` is not one.
int nt_parse_port(const char *text);

// The applets.
int curl_main(int argc, char **argv);
int nc_main(int argc, char **argv);
int loadgen_main(int argc, char **argv);

#endif
