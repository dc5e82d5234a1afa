/*
 * flotilla.h: Flotilla's WASI extensions (import module "flotilla_v1").
 *
 * A Flotilla program is an ordinary wasm32-wasip1 command. What WASI
 * preview1 cannot express — signals, terminal size, starting and waiting for
 * other programs of the same container — is offered by the host as a small
 * documented import module, "flotilla_v1" (docs/PROC.md). Nothing else is
 * ever linked. Every function returns a WASI errno value (0 = success, e.g.
 * 44 = ENOENT/noent, 52 = ENOSYS/nosys, 71 = ESRCH/srch; the same numbers
 * wasi-libc's <errno.h> uses), and writes its results through out-pointers.
 *
 * Only referenced functions become imports of the module, so programs that
 * do not call them still run on any WASI host.
 *
 * FLOTILLA_NO_EXTENSIONS: define it (-DFLOTILLA_NO_EXTENSIONS) to build for a
 * host without flotilla_v1 (a plain WASI runtime, or a native build for unit
 * tests). Every function then returns 52 (nosys) without importing anything,
 * so the program links and degrades instead of failing to instantiate.
 */
#ifndef FLOTILLA_H
#define FLOTILLA_H

#include <stddef.h>
#include <stdint.h>

/* WASI errno values the extensions document (same as wasi-libc's E* values). */
#define FLOTILLA_ESUCCESS 0
#define FLOTILLA_EAGAIN 6   /* proc_spawn: past the container's process limit */
#define FLOTILLA_ECHILD 12  /* proc_wait: pid is not a child of the caller */
#define FLOTILLA_EINVAL 28  /* proc_kill: bad signal number */
#define FLOTILLA_ENOENT 44  /* proc_spawn: no such program */
#define FLOTILLA_ENOEXEC 45 /* proc_spawn: not a WASI program */
#define FLOTILLA_ENOSYS 52  /* the host does not provide the extension */
#define FLOTILLA_ENOTTY 59  /* tty_get_size: fd is not a terminal */
#define FLOTILLA_ESRCH 71   /* proc_kill: no such process in this container */

#if defined(__wasm__) && !defined(FLOTILLA_NO_EXTENSIONS)
#define FLOTILLA_IMPORT(name) __attribute__((import_module("flotilla_v1"), import_name(name)))

/*
 * Sends Linux signal `signal` (1..64: 9 SIGKILL, 15 SIGTERM, ...) to process
 * `pid` of the same container. ESRCH if there is none, EINVAL for a bad
 * signal. Signal 0 only checks that the process exists (as kill(2)).
 */
FLOTILLA_IMPORT("proc_kill")
int32_t flotilla_proc_kill(int32_t pid, int32_t signal);

/* Size of the terminal behind `fd` in character cells; ENOTTY if it is not one. */
FLOTILLA_IMPORT("tty_get_size")
int32_t flotilla_tty_get_size(int32_t fd, int32_t *columns_out, int32_t *rows_out);

/*
 * Starts a program in the same container. `argv_buf` holds argv[0],
 * argv[1], ... each followed by a NUL byte (argv_buf_len bytes in all);
 * `env_buf` the same for "KEY=value" strings; `cwd` is the working
 * directory (cwd_len bytes, no NUL needed). argv[0] is an absolute path, or
 * a name looked up in the PATH of env_buf. The child shares the caller's
 * stdin, stdout and stderr. Writes the child's pid to *pid_out. ENOENT: no
 * such program; ENOEXEC: not a WASI program; EAGAIN: process limit reached.
 */
FLOTILLA_IMPORT("proc_spawn")
int32_t flotilla_proc_spawn(const char *argv_buf, size_t argv_buf_len,
                            const char *env_buf, size_t env_buf_len,
                            const char *cwd, size_t cwd_len, int32_t *pid_out);

/*
 * Blocks until child `pid` ends and writes its status as a shell reports it:
 * the exit code, or 128 + N when signal N ended it. ECHILD if `pid` is not a
 * child of the caller.
 */
FLOTILLA_IMPORT("proc_wait")
int32_t flotilla_proc_wait(int32_t pid, int32_t *status_out);

/* The caller's pid (the directory name of /proc/self). */
FLOTILLA_IMPORT("proc_getpid")
int32_t flotilla_proc_getpid(int32_t *pid_out);

#undef FLOTILLA_IMPORT

#else /* no flotilla_v1: every extension reports ENOSYS */

static inline int32_t flotilla_proc_kill(int32_t pid, int32_t signal) {
	(void)pid; (void)signal;
	return FLOTILLA_ENOSYS;
}
static inline int32_t flotilla_tty_get_size(int32_t fd, int32_t *columns_out, int32_t *rows_out) {
	(void)fd; (void)columns_out; (void)rows_out;
	return FLOTILLA_ENOSYS;
}
static inline int32_t flotilla_proc_spawn(const char *argv_buf, size_t argv_buf_len,
                                          const char *env_buf, size_t env_buf_len,
                                          const char *cwd, size_t cwd_len, int32_t *pid_out) {
	(void)argv_buf; (void)argv_buf_len; (void)env_buf; (void)env_buf_len;
	(void)cwd; (void)cwd_len; (void)pid_out;
	return FLOTILLA_ENOSYS;
}
static inline int32_t flotilla_proc_wait(int32_t pid, int32_t *status_out) {
	(void)pid; (void)status_out;
	return FLOTILLA_ENOSYS;
}
static inline int32_t flotilla_proc_getpid(int32_t *pid_out) {
	(void)pid_out;
	return FLOTILLA_ENOSYS;
}

#endif

#endif /* FLOTILLA_H */
