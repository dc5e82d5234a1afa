/* mkdir and rmdir. */
#include "box.h"

#include <unistd.h>

static const char mkdir_usage[] =
	"Usage: mkdir [-pv] [-m MODE] DIRECTORY...\n"
	"Create the DIRECTORY(ies), if they do not already exist.\n\n"
	"  -p  no error if existing, make parent directories as needed\n"
	"  -v  print a message for each created directory\n"
	"  -m  set the mode (accepted; WASI keeps no permissions)\n";

/* Creates `path`; with parents, every missing ancestor first. */
static int make_dir(const char *path, bool parents, bool verbose)
{
	if (!parents) {
		if (mkdir(path, 0777) != 0) {
			box_perr("cannot create directory '%s'", path);
			return 1;
		}
		if (verbose)
			printf("mkdir: created directory '%s'\n", path);
		return 0;
	}
	char *copy = xstrdup(path);
	int status = 0;
	/* Walk the components left to right, creating what is missing. */
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		struct stat st;
		if (stat(copy, &st) != 0) {
			if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
				box_perr("cannot create directory '%s'", copy);
				status = 1;
				break;
			}
			if (verbose)
				printf("mkdir: created directory '%s'\n", copy);
		} else if (!S_ISDIR(st.st_mode)) {
			errno = saved ? ENOTDIR : EEXIST;
			box_perr("cannot create directory '%s'", saved ? path : copy);
			status = 1;
			break;
		}
		*p = saved;
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
	}
	free(copy);
	return status;
}

int mkdir_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "parents", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "mode", required_argument, NULL, 'm' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool parents = false, verbose = false;
	int c;
	while ((c = box_getopt(argc, argv, "pvm:", longopts)) != -1) {
		switch (c) {
		case 'p': parents = true; break;
		case 'v': verbose = true; break;
		case 'm': break;
		case OPT_HELP: return box_help(mkdir_usage);
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing operand");
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= make_dir(argv[i], parents, verbose);
	return status;
}

static const char rmdir_usage[] =
	"Usage: rmdir [-pv] DIRECTORY...\n"
	"Remove the DIRECTORY(ies), if they are empty.\n\n"
	"  -p  remove DIRECTORY and its ancestors ('rmdir -p a/b' is 'rmdir a/b a')\n"
	"  -v  print a message for each removed directory\n"
	"  --ignore-fail-on-non-empty  ignore failures because a directory is not empty\n";

enum { OPT_IGNORE_NONEMPTY = OPT_HELP + 1 };

int rmdir_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "parents", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "ignore-fail-on-non-empty", no_argument, NULL, OPT_IGNORE_NONEMPTY },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool parents = false, verbose = false, ignore_nonempty = false;
	int c;
	while ((c = box_getopt(argc, argv, "pv", longopts)) != -1) {
		switch (c) {
		case 'p': parents = true; break;
		case 'v': verbose = true; break;
		case OPT_IGNORE_NONEMPTY: ignore_nonempty = true; break;
		case OPT_HELP: return box_help(rmdir_usage);
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing operand");
	int status = 0;
	for (int i = optind; i < argc; i++) {
		char *path = xstrdup(argv[i]);
		for (;;) {
			if (verbose)
				printf("rmdir: removing directory, '%s'\n", path);
			if (rmdir(path) != 0) {
				if (!(ignore_nonempty && (errno == ENOTEMPTY || errno == EEXIST))) {
					box_perr("failed to remove '%s'", path);
					status = 1;
				}
				break;
			}
			if (!parents)
				break;
			/* strip the last component (and slashes) to get the parent */
			char *end = path + strlen(path);
			while (end > path && end[-1] == '/')
				end--;
			while (end > path && end[-1] != '/')
				end--;
			while (end > path + 1 && end[-1] == '/')
				end--;
			if (end == path || (end == path + 1 && path[0] == '/'))
				break;
			*end = '\0';
		}
		free(path);
	}
	return status;
}
