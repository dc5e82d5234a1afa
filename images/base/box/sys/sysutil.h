/*
 * sysutil.h: helpers private to the system applets (the .c files of box/sys): the /proc
 * root, whole-file reads, the flotilla_v1 extensions, and small formatters.
 * General helpers (messages, getopt, buffers) come from box.h.
 */
#ifndef BOX_SYSUTIL_H
#define BOX_SYSUTIL_H

#include "../box.h"

#include <stdint.h>
#include <time.h>

/* One switch for the whole of box: spawn.c compiles its process imports
 * only with -DBOX_PROC_EXT=1 (set in image.json once the runtime provides
 * flotilla_v1), since a module importing a function the host lacks cannot
 * be instantiated at all. Without it, the extensions report ENOSYS. */
#if !(defined(BOX_PROC_EXT) && BOX_PROC_EXT) && !defined(FLOTILLA_NO_EXTENSIONS)
#define FLOTILLA_NO_EXTENSIONS 1
#endif
/* images/include/flotilla.h: the image build puts the shared headers on the include path. */
#include <flotilla.h>

/* ---- /proc --------------------------------------------------------------
 * Every /proc reader goes through proc_root(), which honours the
 * FLOTILLA_PROC environment variable (a testing aid: point it at a fixture
 * tree to exercise the parsers without the runtime's /proc). */
const char *proc_root(void);
/* "<proc root>/<rel>" in a new string. */
char *proc_path(const char *rel);
/* Whole file as a NUL-terminated malloc'd string (*len excludes the NUL;
 * len may be NULL). NULL with errno set when it cannot be read. */
char *read_file(const char *path, size_t *len);
/* read_file of proc_path(rel). */
char *proc_read(const char *rel, size_t *len);
/* Value of "Key:   123 kB" in /proc/meminfo text; false when absent. */
bool meminfo_value(const char *text, const char *key, unsigned long long *kb);

/* One process, from /proc/<pid>/stat, status and cmdline. */
typedef struct {
	int pid, ppid, pgrp, session, tty_nr, tpgid;
	char state;
	char comm[64];
	unsigned long long utime, stime, starttime; /* clock ticks (100 Hz) */
	unsigned long long vsize;                   /* bytes */
	unsigned long long rss;                     /* pages of 4096 bytes */
	unsigned uid;
	char *cmdline; /* argv joined by spaces; "" when empty. Owned. */
} proc_info;

#define PROC_HZ 100
#define PROC_PAGE 4096

/* Parses a /proc/<pid>/stat line (comm may hold spaces and parentheses). */
bool parse_proc_stat(const char *text, proc_info *p);
/* Every process of the proc root, sorted by pid; *count set. Caller frees
 * with free_procs. Returns NULL (count 0) when the root cannot be listed. */
proc_info *list_procs(size_t *count);
void free_procs(proc_info *procs, size_t count);
/* "pts/0", "tty1" or "?" for a tty_nr. */
void tty_name(int tty_nr, char out[16]);
/* User name of a uid from /etc/passwd, or the number. */
void user_name(unsigned uid, char *out, size_t size);
/* Seconds since the container started, from /proc/uptime; -1 if unknown. */
double proc_uptime(void);

/* ---- flotilla_v1 extensions (images/include/flotilla.h) -----------------
 * Return 0 or a WASI errno value; fl_strerror names it like strerror. */
int fl_kill(int pid, int sig);
int fl_spawn(char *const argv[], char *const envp[], const char *cwd, int *pid_out);
int fl_wait(int pid, int *status_out);
int fl_tty_size(int fd, int *columns, int *rows);
const char *fl_strerror(int err);

/* ---- formatting ---------------------------------------------------------- */

/* Parses a whole non-negative decimal number of seconds with an optional
 * fraction and s/m/h/d suffix (sleep's syntax). */
bool parse_duration(const char *s, double *seconds);
/* True when argv[1] is exactly "--help" (for applets that parse by hand). */
bool asks_help(int argc, char **argv);

#endif
