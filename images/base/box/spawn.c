/*
 * spawn.c: running another program (xargs, find -exec).
 *
 * WASI preview1 cannot start processes; Flotilla documents two extension
 * imports in module "flotilla_v1" (docs/PROC.md): proc_spawn and proc_wait.
 * Applets of box itself always run in-process (no spawn needed, and it
 * works before the runtime implements the extension). As in
 * images/include/flotilla.h, -DFLOTILLA_NO_EXTENSIONS builds without the
 * imports, for WASI hosts that lack flotilla_v1 (a module importing a
 * function its host lacks cannot be instantiated at all).
 */
#include "box.h"

#include <flotilla.h>
#include <stdint.h>
#include <unistd.h>

extern char **environ;

/* Without the imports, flotilla.h's stubs would report ENOSYS; box says
 * instead that it cannot run other programs here at all. */
#if defined(__wasm__) && !defined(FLOTILLA_NO_EXTENSIONS)

/* Packs NULL-terminated `strings` as consecutive NUL-terminated strings. */
static void pack_strings(buf_t *b, char *const *strings)
{
	for (size_t i = 0; strings && strings[i]; i++)
		buf_append(b, strings[i], strlen(strings[i]) + 1);
}

static int spawn_external(char **argv)
{
	buf_t args = { 0 }, env = { 0 };
	pack_strings(&args, argv);
	pack_strings(&env, environ);
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		strcpy(cwd, "/");
	int32_t pid = 0, status = 0;
	fflush(stdout); /* the child writes to the same stdout */
	int32_t err = flotilla_proc_spawn(args.data, args.len, env.data ? env.data : "",
		env.len, cwd, strlen(cwd), &pid);
	buf_free(&args);
	buf_free(&env);
	if (err == FLOTILLA_ENOENT) {
		box_err("%s: No such file or directory", argv[0]);
		return 127;
	}
	if (err != 0) {
		box_err("%s: %s", argv[0], err == FLOTILLA_ENOEXEC ? "Exec format error"
			: err == FLOTILLA_EAGAIN ? "Resource temporarily unavailable"
			: err == FLOTILLA_ENOSYS ? "cannot run programs outside box (no process support)" : "cannot run");
		return 126;
	}
	if (flotilla_proc_wait(pid, &status) != 0) {
		box_err("%s: lost track of the process", argv[0]);
		return 126;
	}
	return (int)(status & 0xff);
}
#else
static int spawn_external(char **argv)
{
	box_err("%s: cannot run programs outside box here (no process extension)", argv[0]);
	return 127;
}
#endif

int box_run(char **argv)
{
	if (!argv || !argv[0])
		return 0;
	/* "/bin/echo" and "echo" both name box's echo applet; a path that is
	 * not in a bin directory may be another program of the same name. */
	char *name = base_name(argv[0]);
	applet_main_t fn = NULL;
	const char *slash = strrchr(argv[0], '/');
	if (!slash || strncmp(argv[0], "/bin/", 5) == 0 || strncmp(argv[0], "/usr/bin/", 9) == 0 ||
		strncmp(argv[0], "/sbin/", 6) == 0)
		fn = box_find_applet(name);
	int status;
	if (fn) {
		int argc = 0;
		while (argv[argc])
			argc++;
		status = box_run_applet(fn, name, argc, argv);
	} else {
		status = spawn_external(argv);
	}
	free(name);
	return status;
}
