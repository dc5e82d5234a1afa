/* ln (hard and symbolic links) and readlink. */
#include "box.h"

#include <unistd.h>

static const char ln_usage[] =
	"Usage: ln [-sfv] TARGET [LINK_NAME]\n"
	"   or: ln [-sfv] TARGET... DIRECTORY\n"
	"Create a link to TARGET named LINK_NAME (or in DIRECTORY, or here).\n\n"
	"  -s  make a symbolic link instead of a hard link\n"
	"  -f  remove existing destination files\n"
	"  -n  treat LINK_NAME as a normal file if it is a symlink to a directory\n"
	"  -v  print the name of each linked file\n";

static int make_link(const char *target, const char *name, bool symbolic, bool force, bool verbose)
{
	if (force) {
		struct stat st;
		if (lstat(name, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(name) != 0) {
			box_perr("cannot remove '%s'", name);
			return 1;
		}
	}
	if ((symbolic ? symlink(target, name) : link(target, name)) != 0) {
		if (symbolic)
			box_perr("failed to create symbolic link '%s'", name);
		else
			box_perr("failed to create hard link '%s' => '%s'", name, target);
		return 1;
	}
	if (verbose)
		printf("'%s' %s '%s'\n", name, symbolic ? "->" : "=>", target);
	return 0;
}

int ln_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "symbolic", no_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-dereference", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool symbolic = false, force = false, verbose = false, no_deref = false;
	int c;
	while ((c = box_getopt(argc, argv, "sfnv", longopts)) != -1) {
		switch (c) {
		case 's': symbolic = true; break;
		case 'f': force = true; break;
		case 'n': no_deref = true; break;
		case 'v': verbose = true; break;
		case OPT_HELP: return box_help(ln_usage);
		default: return box_usage_error(1);
		}
	}
	int n = argc - optind;
	if (n < 1)
		return box_usage_fail(1, "missing file operand");
	const char *last = argv[argc - 1];
	struct stat st, lst;
	bool last_is_dir = n >= 2 && stat(last, &st) == 0 && S_ISDIR(st.st_mode) &&
		!(no_deref && lstat(last, &lst) == 0 && S_ISLNK(lst.st_mode));
	if (n == 2 && !last_is_dir)
		return make_link(argv[optind], last, symbolic, force, verbose);
	if (n > 2 && !last_is_dir) {
		box_err("target '%s' is not a directory", last);
		return 1;
	}
	/* ln TARGET (link here) or ln TARGET... DIR: the link keeps the target's base name */
	const char *dir = n == 1 ? "." : last;
	int ntargets = n == 1 ? 1 : n - 1;
	int status = 0;
	for (int i = 0; i < ntargets; i++) {
		char *base = base_name(argv[optind + i]);
		char *name = n == 1 ? xstrdup(base) : path_join(dir, base);
		status |= make_link(argv[optind + i], name, symbolic, force, verbose);
		free(base);
		free(name);
	}
	return status;
}

static const char readlink_usage[] =
	"Usage: readlink [-fem] [-n] FILE...\n"
	"Print the target of symbolic link FILE, or its canonical name.\n\n"
	"  -f  canonicalize: follow every symlink; all but the last component must exist\n"
	"  -e  canonicalize; all components must exist\n"
	"  -m  canonicalize; components need not exist\n"
	"  -n  do not output the trailing newline\n"
	"  -v  report errors\n";

enum canon { CANON_NONE, CANON_EXISTING_PARENT, CANON_EXISTING, CANON_MISSING };

/*
 * Canonical absolute name of `path`, resolving ".", ".." and symlinks one
 * component at a time (wasi-libc has no realpath that allows a missing last
 * component). Returns NULL with errno set when `mode` forbids a miss.
 */
static char *canonicalize(const char *path, enum canon mode)
{
	buf_t out = { 0 };
	buf_t rest = { 0 }; /* components still to resolve */
	if (path[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		buf_puts(&rest, cwd);
		buf_putc(&rest, '/');
	}
	buf_puts(&rest, path);
	buf_puts(&out, "");
	int links = 0;
	size_t pos = 0;
	bool missing = false;
	while (pos < rest.len) {
		while (pos < rest.len && rest.data[pos] == '/')
			pos++;
		size_t start = pos;
		while (pos < rest.len && rest.data[pos] != '/')
			pos++;
		if (pos == start)
			break;
		size_t len = pos - start;
		const char *comp = rest.data + start;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			char *slash = strrchr(out.data, '/');
			out.len = slash ? (size_t)(slash - out.data) : 0;
			out.data[out.len] = '\0';
			continue;
		}
		size_t before = out.len;
		buf_putc(&out, '/');
		buf_append(&out, comp, len);
		if (missing) {
			if (mode != CANON_MISSING) {
				errno = ENOENT;
				goto fail;
			}
			continue;
		}
		struct stat st;
		if (lstat(out.data, &st) != 0) {
			bool last = pos >= rest.len || rest.data[pos + strspn(rest.data + pos, "/")] == '\0';
			if (errno == ENOENT && (mode == CANON_MISSING || (mode == CANON_EXISTING_PARENT && last))) {
				missing = true;
				continue;
			}
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++links > 40) {
				errno = ELOOP;
				goto fail;
			}
			char target[4096];
			ssize_t n = readlink(out.data, target, sizeof target - 1);
			if (n < 0)
				goto fail;
			target[n] = '\0';
			/* splice: target + what was left after this component */
			buf_t next = { 0 };
			buf_puts(&next, target);
			buf_append(&next, rest.data + pos, rest.len - pos);
			buf_free(&rest);
			rest = next;
			pos = 0;
			if (target[0] == '/')
				out.len = 0;
			else
				out.len = before;
			out.data[out.len] = '\0';
		} else if (!S_ISDIR(st.st_mode) && pos < rest.len && rest.data[pos + strspn(rest.data + pos, "/")] != '\0') {
			errno = ENOTDIR;
			goto fail;
		}
	}
	buf_free(&rest);
	if (out.len == 0)
		buf_puts(&out, "/");
	return out.data;
fail:
	buf_free(&rest);
	buf_free(&out);
	return NULL;
}

int readlink_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "canonicalize", no_argument, NULL, 'f' },
		{ "canonicalize-existing", no_argument, NULL, 'e' },
		{ "canonicalize-missing", no_argument, NULL, 'm' },
		{ "no-newline", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 's' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	enum canon mode = CANON_NONE;
	bool newline = true, verbose = false;
	int c;
	while ((c = box_getopt(argc, argv, "femnvqs", longopts)) != -1) {
		switch (c) {
		case 'f': mode = CANON_EXISTING_PARENT; break;
		case 'e': mode = CANON_EXISTING; break;
		case 'm': mode = CANON_MISSING; break;
		case 'n': newline = false; break;
		case 'v': verbose = true; break;
		case 'q': case 's': verbose = false; break;
		case OPT_HELP: return box_help(readlink_usage);
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing operand");
	int status = 0;
	for (int i = optind; i < argc; i++) {
		char *result = NULL;
		if (mode == CANON_NONE) {
			char target[4096];
			ssize_t n = readlink(argv[i], target, sizeof target - 1);
			if (n >= 0) {
				target[n] = '\0';
				result = xstrdup(target);
			}
		} else {
			result = canonicalize(argv[i], mode);
		}
		if (!result) {
			if (verbose)
				box_perr("%s", argv[i]);
			status = 1;
			continue;
		}
		fputs(result, stdout);
		if (newline || argc - optind > 1)
			putchar('\n');
		free(result);
	}
	return status;
}
