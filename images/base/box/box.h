/*
 * box.h: helpers shared by every applet of the `box` multi-call binary.
 *
 * Applets are `int NAME_main(int argc, char **argv)`. They return their exit
 * status instead of calling exit(), because xargs may run an applet
 * in-process several times (see spawn.c); only running out of memory ends
 * the program directly.
 */
#ifndef BOX_H
#define BOX_H

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Name used in messages ("ls: ..."): the applet being run. */
extern const char *applet_name;

/* ---- messages ---------------------------------------------------------- */

/* "NAME: formatted message\n" on stderr. */
void box_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "NAME: formatted message: strerror(errno)\n" on stderr (errno as on entry). */
void box_perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints `usage` on stdout (for --help); returns 0. */
int box_help(const char *usage);
/* "Try 'NAME --help' for more information." on stderr; returns `status`. */
int box_usage_error(int status);
/* box_err(fmt, ...) then box_usage_error(status): how an applet reports a
 * wrong command line (a missing or extra operand, a bad option value). */
int box_usage_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Long option every applet accepts; getopt_long returns OPT_HELP for it. */
enum { OPT_HELP = 0x1000 };
#define BOX_HELP_OPTION { "help", no_argument, NULL, OPT_HELP }
#define BOX_END_OPTIONS { NULL, 0, NULL, 0 }

/*
 * getopt_long with GNU-style messages ("ls: invalid option -- 'z'") instead
 * of musl's, which would name argv[0] (possibly "/bin/ls"). Resets getopt
 * state when `argv` differs from the previous call's, so applets can run
 * repeatedly in one process. Returns '?' after printing the message.
 */
int box_getopt(int argc, char **argv, const char *optstring, const struct option *longopts);
/* Resets getopt for a fresh argument vector. */
void box_getopt_reset(void);

/* ---- memory (out of memory is fatal: exit 1 with a message) ----------- */

void *xmalloc(size_t size);
void *xrealloc(void *ptr, size_t size);
void *xcalloc(size_t count, size_t size);
char *xstrdup(const char *s);
/* Joins a directory and a name with exactly one '/'. Caller frees. */
char *path_join(const char *dir, const char *name);
/* Last component of a path, ignoring trailing slashes; returns a new string. */
char *base_name(const char *path);

/* ---- directories ------------------------------------------------------- */

/* Called by box_walk_dir for an entry NAME of DIR; `path` is DIR/NAME.
 * Returns a status >= 0 (box_walk_dir ORs them). */
typedef int (*box_entry_fn)(const char *path, const char *name, void *ctx);

enum box_walk_order {
	BOX_WALK_DIR_ORDER, /* as the file system returns the entries */
	BOX_WALK_SORTED,    /* strcmp order: output and archives that do not depend on the file system */
};

/*
 * Calls fn for every entry of directory `dir` but "." and "..". All names
 * are read and the directory closed before the first call, so callbacks may
 * change the directory (rm -r, cp -r) and a deep recursion holds no
 * directory open. Returns the bitwise OR of fn's results (applets combine
 * exit statuses that way), or -1 with errno set when `dir` cannot be
 * opened: each applet reports that in its own words.
 */
int box_walk_dir(const char *dir, enum box_walk_order order, box_entry_fn fn, void *ctx);

/* ---- growable byte buffer --------------------------------------------- */

typedef struct {
	char *data;
	size_t len;
	size_t cap;
} buf_t;

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *bytes, size_t n);
void buf_putc(buf_t *b, char c);
void buf_puts(buf_t *b, const char *s);
void buf_free(buf_t *b);
/* Appends all of `f` to `b`; returns 0, or -1 with errno on a read error. */
int buf_read_all(buf_t *b, FILE *f);

/* ---- input ------------------------------------------------------------- */

/* Opens FILE for reading, "-" meaning stdin; prints "NAME: FILE: error" and
 * returns NULL on failure. */
FILE *box_fopen_in(const char *path);
/* Closes what box_fopen_in returned (never stdin). */
void box_fclose_in(FILE *f);

/* ---- numbers and sizes ------------------------------------------------- */

/* Parses a whole decimal integer; false on junk or overflow. */
bool parse_long(const char *s, long *out);
/* Like parse_long but also accepts K/M/G (1024-based) and KB/MB/GB (1000) suffixes. */
bool parse_size(const char *s, long *out);
/* "1.5K", "23M", "512": ls -h style (1024-based, one decimal below 10). */
const char *human_size(long long bytes, char out[16]);

/* ---- file metadata ----------------------------------------------------- */

/* "drwxr-xr-x"-style mode string (10 chars + NUL). WASI reports no
 * permission bits, so when st_mode has none, plausible Linux defaults are
 * used (0755 directories and programs in bin/, 0644 files, 1777 /tmp). */
void mode_string(const char *path, const struct stat *st, char out[11]);

/* ---- applets ----------------------------------------------------------- */

typedef int (*applet_main_t)(int argc, char **argv);

/* The main of applet `name`, or NULL when box has no such applet. */
applet_main_t box_find_applet(const char *name);
/* Runs applet `name` in this process, as `box NAME ARGS...` would. */
int box_run_applet(applet_main_t main_fn, const char *name, int argc, char **argv);
/* Runs a program (NULL-terminated argv) to completion and returns its exit
 * status as a shell reports it (127 not found, 126 not runnable). Applets of
 * box run in-process; others through the flotilla_v1 process extension. */
int box_run(char **argv);

#endif
