/*
 * env.c: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]
 *
 * Without COMMAND, prints the resulting environment. With one, starts it
 * through the flotilla_v1 proc_spawn extension (WASI cannot exec) with the
 * new environment, waits for it and exits with its status.
 */
#include "sysutil.h"

#include <unistd.h>

extern char **environ;

typedef struct {
	char **vars;
	size_t count, cap;
} env_list;

static void env_remove(env_list *e, const char *name, size_t name_len) {
	for (size_t i = 0; i < e->count; i++) {
		if (strncmp(e->vars[i], name, name_len) == 0 && e->vars[i][name_len] == '=') {
			memmove(&e->vars[i], &e->vars[i + 1], (e->count - i - 1) * sizeof *e->vars);
			e->count--;
			i--;
		}
	}
}

/* Appends or replaces NAME=VALUE (strings are borrowed from argv/environ). */
static void env_set(env_list *e, char *assignment) {
	env_remove(e, assignment, (size_t)(strchr(assignment, '=') - assignment));
	if (e->count + 2 > e->cap) {
		e->cap = e->cap ? e->cap * 2 : 32;
		e->vars = xrealloc(e->vars, e->cap * sizeof *e->vars);
	}
	e->vars[e->count++] = assignment;
	e->vars[e->count] = NULL;
}

static const char *env_get(const env_list *e, const char *name) {
	size_t n = strlen(name);
	for (size_t i = 0; i < e->count; i++)
		if (strncmp(e->vars[i], name, n) == 0 && e->vars[i][n] == '=') return e->vars[i] + n + 1;
	return NULL;
}

/* Absolute path of `cmd`: relative paths against the cwd, bare names in
 * the new environment's PATH (/bin:/usr/bin when it has none, as execvp). */
static char *resolve_command(const char *cmd, const env_list *e) {
	if (strchr(cmd, '/')) {
		char cwd[4096];
		char *path = cmd[0] == '/' || !getcwd(cwd, sizeof cwd) ? xstrdup(cmd) : path_join(cwd, cmd);
		struct stat st;
		if (stat(path, &st) == 0) return path;
		free(path);
		return NULL;
	}
	const char *path = env_get(e, "PATH");
	if (!path) path = "/bin:/usr/bin";
	while (true) {
		size_t n = strcspn(path, ":");
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)n, n ? path : ".");
		char *candidate = path_join(dir, cmd);
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) return candidate;
		free(candidate);
		if (!path[n]) return NULL;
		path += n + 1;
	}
}

static int run_command(char **argv, env_list *e) {
	char *path = resolve_command(argv[0], e);
	if (!path) {
		box_err("'%s': No such file or directory", argv[0]);
		return 127;
	}
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "/");
	/* The child gets argv[0] as typed; the path only locates the program. */
	char *saved = argv[0];
	argv[0] = path;
	int pid = 0;
	int err = fl_spawn(argv, e->vars, cwd, &pid);
	argv[0] = saved;
	free(path);
	if (err) {
		box_err("'%s': %s", argv[0], fl_strerror(err));
		return err == FLOTILLA_ENOENT ? 127 : 126;
	}
	int status = 0;
	err = fl_wait(pid, &status);
	if (err) {
		box_err("waiting for '%s': %s", argv[0], fl_strerror(err));
		return 125;
	}
	return status;
}

int env_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "ignore-environment", no_argument, NULL, 'i' }, { "unset", required_argument, NULL, 'u' },
		{ "null", no_argument, NULL, '0' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	env_list e = {0};
	bool clear = false;
	char end = '\n';
	/* Unsets are applied after -i is known, in order. */
	char **unsets = xcalloc((size_t)argc, sizeof *unsets);
	size_t nunsets = 0;
	int opt, status = 0;
	while ((opt = box_getopt(argc, argv, "+iu:0", longopts)) != -1) {
		switch (opt) {
		case 'i': clear = true; break;
		case 'u':
			if (!*optarg || strchr(optarg, '=')) {
				box_err("cannot unset '%s': Invalid argument", optarg);
				status = 125;
				goto done;
			}
			unsets[nunsets++] = optarg;
			break;
		case '0': end = '\0'; break;
		case OPT_HELP:
			status = box_help("Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\n"
			                  "Set each NAME to VALUE in the environment and run COMMAND.\n\n"
			                  "  -i, --ignore-environment  start with an empty environment\n"
			                  "  -0, --null           end each output line with NUL, not newline\n"
			                  "  -u, --unset=NAME     remove variable from the environment\n\n"
			                  "A mere - implies -i. If no COMMAND, print the resulting environment.\n");
			goto done;
		default:
			status = box_usage_error(125);
			goto done;
		}
	}
	if (optind < argc && strcmp(argv[optind], "-") == 0) {
		clear = true;
		optind++;
	}
	if (!clear)
		for (char **v = environ; v && *v; v++)
			if (strchr(*v, '=')) env_set(&e, *v);
	for (size_t i = 0; i < nunsets; i++) env_remove(&e, unsets[i], strlen(unsets[i]));
	for (; optind < argc && strchr(argv[optind], '=') && argv[optind][0] != '='; optind++) env_set(&e, argv[optind]);
	if (!e.vars) e.vars = xcalloc(1, sizeof *e.vars);

	if (optind < argc) {
		if (end == '\0') {
			box_err("cannot specify --null (-0) with command");
			status = box_usage_error(125);
			goto done;
		}
		fflush(stdout);
		status = run_command(argv + optind, &e);
	} else {
		for (size_t i = 0; i < e.count; i++) printf("%s%c", e.vars[i], end);
	}
done:
	free(unsets);
	free(e.vars);
	return status;
}
