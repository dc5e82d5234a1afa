/*
 * ext.c: the flotilla_v1 extensions (docs/PROC.md) behind small C wrappers,
 * so applets deal in argv/envp arrays and not in the ABI's string buffers.
 */
#include "sysutil.h"


/* argv/envp as the ABI wants them: each string followed by a NUL. */
static char *pack_strings(char *const list[], size_t *len) {
	buf_t b = {0};
	for (size_t i = 0; list && list[i]; i++) buf_append(&b, list[i], strlen(list[i]) + 1);
	if (!b.data) buf_reserve(&b, 1);
	*len = b.len;
	return b.data;
}

int fl_kill(int pid, int sig) {
	return flotilla_proc_kill(pid, sig);
}

int fl_spawn(char *const argv[], char *const envp[], const char *cwd, int *pid_out) {
	size_t argv_len, env_len;
	char *argv_buf = pack_strings(argv, &argv_len);
	char *env_buf = pack_strings(envp, &env_len);
	int32_t pid = 0;
	int err = flotilla_proc_spawn(argv_buf, argv_len, env_buf, env_len, cwd, strlen(cwd), &pid);
	free(argv_buf);
	free(env_buf);
	if (err == 0) *pid_out = pid;
	return err;
}

int fl_wait(int pid, int *status_out) {
	int32_t status = 0;
	int err = flotilla_proc_wait(pid, &status);
	if (err == 0) *status_out = status;
	return err;
}

int fl_tty_size(int fd, int *columns, int *rows) {
	int32_t c = 0, r = 0;
	int err = flotilla_tty_get_size(fd, &c, &r);
	if (err == 0) {
		*columns = c;
		*rows = r;
	}
	return err;
}

/* wasi-libc's errno numbers are WASI's, so strerror names them directly;
 * elsewhere (native test builds) only the ones we report are mapped. */
const char *fl_strerror(int err) {
#ifdef __wasi__
	return strerror(err);
#else
	switch (err) {
	case FLOTILLA_ESRCH: return "No such process";
	case FLOTILLA_EINVAL: return "Invalid argument";
	case FLOTILLA_ENOENT: return "No such file or directory";
	case FLOTILLA_ENOEXEC: return "Exec format error";
	case FLOTILLA_ENOSYS: return "Function not implemented";
	default: return "Unknown error";
	}
#endif
}
