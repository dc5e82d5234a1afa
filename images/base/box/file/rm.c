/* rm: remove files and (with -r) directory trees. */
#include "box.h"

#include <unistd.h>

static const char rm_usage[] =
	"Usage: rm [-dfrRv] FILE...\n"
	"Remove (unlink) the FILE(s).\n\n"
	"  -f  ignore nonexistent files and arguments, never fail for them\n"
	"  -r, -R  remove directories and their contents recursively\n"
	"  -d  remove empty directories\n"
	"  -v  explain what is being done\n";

struct rm_opts {
	bool force, recursive, empty_dirs, verbose;
};

static int remove_path(const char *path, const struct rm_opts *o);

static int remove_entry(const char *path, const char *name, void *ctx)
{
	(void)name;
	return remove_path(path, ctx);
}

static int remove_path(const char *path, const struct rm_opts *o)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (o->force && errno == ENOENT)
			return 0;
		box_perr("cannot remove '%s'", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0) {
			box_perr("cannot remove '%s'", path);
			return 1;
		}
		if (o->verbose)
			printf("removed '%s'\n", path);
		return 0;
	}
	if (!o->recursive && !o->empty_dirs) {
		errno = EISDIR;
		box_perr("cannot remove '%s'", path);
		return 1;
	}
	int status = 0;
	if (o->recursive) {
		/* Every name is read before the first is removed. */
		status = box_walk_dir(path, BOX_WALK_DIR_ORDER, remove_entry, (void *)o);
		if (status < 0) {
			box_perr("cannot remove '%s'", path);
			return 1;
		}
	}
	if (rmdir(path) != 0) {
		if (status == 0)
			box_perr("cannot remove '%s'", path);
		return 1;
	}
	if (o->verbose)
		printf("removed directory '%s'\n", path);
	return status;
}

/* "rm -r ." and "rm -r .." are refused, as coreutils does. */
static bool is_dot_or_dotdot(const char *path)
{
	char *base = base_name(path);
	bool dots = strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
	free(base);
	return dots;
}

enum { OPT_NO_PRESERVE_ROOT = OPT_HELP + 1 };

int rm_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "dir", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-preserve-root", no_argument, NULL, OPT_NO_PRESERVE_ROOT },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct rm_opts o = { 0 };
	bool preserve_root = true;
	int c;
	while ((c = box_getopt(argc, argv, "frRdv", longopts)) != -1) {
		switch (c) {
		case 'f': o.force = true; break;
		case 'r': case 'R': o.recursive = true; break;
		case 'd': o.empty_dirs = true; break;
		case 'v': o.verbose = true; break;
		case OPT_NO_PRESERVE_ROOT: preserve_root = false; break;
		case OPT_HELP: return box_help(rm_usage);
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc) {
		if (o.force)
			return 0;
		return box_usage_fail(1, "missing operand");
	}
	int status = 0;
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		if (o.recursive && preserve_root && path[strspn(path, "/")] == '\0') {
			box_err("it is dangerous to operate recursively on '/'");
			box_err("use --no-preserve-root to override this failsafe");
			status = 1;
			continue;
		}
		if (o.recursive && is_dot_or_dotdot(path)) {
			box_err("refusing to remove '.' or '..' directory: skipping '%s'", path);
			status = 1;
			continue;
		}
		status |= remove_path(path, &o);
	}
	return status;
}
