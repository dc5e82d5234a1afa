/* cp and mv. mv renames; cp copies bytes, directory trees (-r) and symlinks. */
#include "box.h"

#include <fcntl.h>
#include <unistd.h>

struct cp_opts {
	bool recursive, preserve, force, no_clobber, verbose;
	bool deref; /* follow symlinks in the source (cp without -r/-a, or -L) */
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool is_directory(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void copy_times(const char *dst, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	(void)utimensat(AT_FDCWD, dst, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_regular(const char *src, const char *dst, const struct cp_opts *o)
{
	int in = open(src, O_RDONLY);
	if (in < 0) {
		box_perr("cannot open '%s' for reading", src);
		return 1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0 && o->force && unlink(dst) == 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0) {
		box_perr("cannot create regular file '%s'", dst);
		close(in);
		return 1;
	}
	static char block[65536]; /* static: the wasm stack is small */
	int status = 0;
	for (;;) {
		ssize_t n = read(in, block, sizeof block);
		if (n < 0) {
			box_perr("error reading '%s'", src);
			status = 1;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, block + done, (size_t)(n - done));
			if (w < 0) {
				box_perr("error writing '%s'", dst);
				status = 1;
				break;
			}
			done += w;
		}
		if (status)
			break;
	}
	close(in);
	if (close(out) != 0 && status == 0) {
		box_perr("error writing '%s'", dst);
		status = 1;
	}
	return status;
}

static int copy_symlink(const char *src, const char *dst)
{
	char target[4096];
	ssize_t len = readlink(src, target, sizeof target - 1);
	if (len < 0) {
		box_perr("cannot read symbolic link '%s'", src);
		return 1;
	}
	target[len] = '\0';
	unlink(dst); /* replace, as cp does for an existing destination */
	if (symlink(target, dst) != 0) {
		box_perr("cannot create symbolic link '%s'", dst);
		return 1;
	}
	return 0;
}

static int copy_any(const char *src, const char *dst, const struct cp_opts *o, bool top);

/* Where the entries of a directory being copied go. */
struct copy_walk {
	const char *dst;
	const struct cp_opts *o;
};

static int copy_entry(const char *path, const char *name, void *ctx)
{
	const struct copy_walk *walk = ctx;
	char *target = path_join(walk->dst, name);
	int status = copy_any(path, target, walk->o, false);
	free(target);
	return status;
}

static int copy_directory(const char *src, const char *dst, const struct stat *st, const struct cp_opts *o)
{
	struct stat dst_st;
	if (stat(dst, &dst_st) != 0) {
		if (mkdir(dst, 0777) != 0) {
			box_perr("cannot create directory '%s'", dst);
			return 1;
		}
	} else if (!S_ISDIR(dst_st.st_mode)) {
		box_err("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
		return 1;
	}
	if (o->verbose)
		printf("'%s' -> '%s'\n", src, dst);
	/* box_walk_dir reads every name first: copying into a directory may change it. */
	struct copy_walk walk = { dst, o };
	int status = box_walk_dir(src, BOX_WALK_DIR_ORDER, copy_entry, &walk);
	if (status < 0) {
		box_perr("cannot access '%s'", src);
		return 1;
	}
	if (o->preserve)
		copy_times(dst, st);
	return status;
}

/* `dst` must not be inside `src` (cp -r a a/b would never end). */
static bool inside(const char *src, const char *dst)
{
	char *s = realpath(src, NULL);
	char *parent = xstrdup(dst);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0';
	else
		strcpy(parent, ".");
	char *p = realpath(parent, NULL);
	bool result = false;
	if (s && p) {
		size_t len = strlen(s);
		result = strncmp(p, s, len) == 0 && (p[len] == '/' || p[len] == '\0' || strcmp(s, "/") == 0);
	}
	free(s);
	free(p);
	free(parent);
	return result;
}

static int copy_any(const char *src, const char *dst, const struct cp_opts *o, bool top)
{
	struct stat st, dst_st;
	bool follow = o->deref || (top && !o->recursive);
	if ((follow ? stat(src, &st) : lstat(src, &st)) != 0) {
		box_perr("cannot stat '%s'", src);
		return 1;
	}
	bool dst_exists = lstat(dst, &dst_st) == 0;
	if (dst_exists) {
		struct stat followed;
		if (stat(dst, &followed) == 0 && same_file(&st, &followed) && !S_ISLNK(st.st_mode)) {
			box_err("'%s' and '%s' are the same file", src, dst);
			return 1;
		}
		if (o->no_clobber && !S_ISDIR(st.st_mode))
			return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!o->recursive) {
			box_err("-r not specified; omitting directory '%s'", src);
			return 1;
		}
		if (top && inside(src, dst)) {
			box_err("cannot copy a directory, '%s', into itself, '%s'", src, dst);
			return 1;
		}
		return copy_directory(src, dst, &st, o);
	}
	if (dst_exists && S_ISDIR(dst_st.st_mode)) {
		box_err("cannot overwrite directory '%s' with non-directory", dst);
		return 1;
	}
	int status = S_ISLNK(st.st_mode) ? copy_symlink(src, dst) : copy_regular(src, dst, o);
	if (status == 0 && o->verbose)
		printf("'%s' -> '%s'\n", src, dst);
	if (status == 0 && o->preserve && !S_ISLNK(st.st_mode))
		copy_times(dst, &st);
	return status;
}

/* The destination of SOURCE: inside DEST when DEST is a directory. */
static char *destination_for(const char *src, const char *dest, bool dest_is_dir)
{
	if (!dest_is_dir)
		return xstrdup(dest);
	char *base = base_name(src);
	char *path = path_join(dest, base);
	free(base);
	return path;
}

static const char cp_usage[] =
	"Usage: cp [-aflnpPrRv] SOURCE DEST\n"
	"   or: cp [-aflnpPrRv] SOURCE... DIRECTORY\n"
	"Copy SOURCE to DEST, or several SOURCEs into DIRECTORY.\n\n"
	"  -r, -R  copy directories recursively (symlinks copied as symlinks)\n"
	"  -a      archive: same as -rp\n"
	"  -p      preserve modification times\n"
	"  -f      if a destination cannot be opened, remove it and try again\n"
	"  -n      do not overwrite an existing file\n"
	"  -L      always follow symbolic links in SOURCE\n"
	"  -P      never follow symbolic links in SOURCE\n"
	"  -v      explain what is being done\n";

/* Shared operand checks of cp and mv; returns the number of sources or -1. */
static int check_operands(int argc, char **argv, bool *dest_is_dir)
{
	int n = argc - optind;
	if (n < 1) {
		box_err("missing file operand");
		return -1;
	}
	if (n < 2) {
		box_err("missing destination file operand after '%s'", argv[optind]);
		return -1;
	}
	const char *dest = argv[argc - 1];
	*dest_is_dir = is_directory(dest);
	if (n > 2 && !*dest_is_dir) {
		box_err("target '%s' is not a directory", dest);
		return -1;
	}
	return n - 1;
}

/* What cp or mv does with one SOURCE and its destination path. */
typedef int (*transfer_fn)(const char *src, const char *dst, const void *ctx);

/* Checks the operands of cp or mv and applies fn to every SOURCE and its
 * destination; returns the combined exit status. */
static int for_each_source(int argc, char **argv, transfer_fn fn, const void *ctx)
{
	bool dest_is_dir;
	int nsrc = check_operands(argc, argv, &dest_is_dir);
	if (nsrc < 0)
		return box_usage_error(1);
	int status = 0;
	const char *dest = argv[argc - 1];
	for (int i = 0; i < nsrc; i++) {
		const char *src = argv[optind + i];
		char *target = destination_for(src, dest, dest_is_dir);
		status |= fn(src, target, ctx);
		free(target);
	}
	return status;
}

static int copy_operand(const char *src, const char *dst, const void *ctx)
{
	return copy_any(src, dst, ctx, true);
}

int cp_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "archive", no_argument, NULL, 'a' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-clobber", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dereference", no_argument, NULL, 'L' },
		{ "no-dereference", no_argument, NULL, 'P' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct cp_opts o = { 0 };
	bool deref_set = false;
	int c;
	while ((c = box_getopt(argc, argv, "arRpfnvLPd", longopts)) != -1) {
		switch (c) {
		case 'a': o.recursive = o.preserve = true; break;
		case 'r': case 'R': o.recursive = true; break;
		case 'p': o.preserve = true; break;
		case 'f': o.force = true; break;
		case 'n': o.no_clobber = true; break;
		case 'v': o.verbose = true; break;
		case 'L': o.deref = true; deref_set = true; break;
		case 'P': case 'd': o.deref = false; deref_set = true; break;
		case OPT_HELP: return box_help(cp_usage);
		default: return box_usage_error(1);
		}
	}
	/* Without -r, cp copies what symlinks point to; with -r, the links. */
	if (!deref_set)
		o.deref = !o.recursive;
	return for_each_source(argc, argv, copy_operand, &o);
}

static const char mv_usage[] =
	"Usage: mv [-fnv] SOURCE DEST\n"
	"   or: mv [-fnv] SOURCE... DIRECTORY\n"
	"Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.\n\n"
	"  -f  do not prompt before overwriting (the default)\n"
	"  -n  do not overwrite an existing file\n"
	"  -v  explain what is being done\n";

struct mv_opts {
	bool no_clobber, verbose;
};

static int move_one(const char *src, const char *dst, const void *ctx)
{
	const struct mv_opts *o = ctx;
	struct stat st, dst_st;
	if (lstat(src, &st) != 0) {
		box_perr("cannot stat '%s'", src);
		return 1;
	}
	if (lstat(dst, &dst_st) == 0) {
		if (same_file(&st, &dst_st)) {
			box_err("'%s' and '%s' are the same file", src, dst);
			return 1;
		}
		if (o->no_clobber)
			return 0;
		if (S_ISDIR(dst_st.st_mode) && !S_ISDIR(st.st_mode)) {
			box_err("cannot overwrite directory '%s' with non-directory", dst);
			return 1;
		}
		if (!S_ISDIR(dst_st.st_mode) && S_ISDIR(st.st_mode)) {
			box_err("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
			return 1;
		}
	}
	if (S_ISDIR(st.st_mode) && inside(src, dst)) {
		box_err("cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
		return 1;
	}
	if (rename(src, dst) != 0) {
		box_perr("cannot move '%s' to '%s'", src, dst);
		return 1;
	}
	if (o->verbose)
		printf("renamed '%s' -> '%s'\n", src, dst);
	return 0;
}

int mv_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-clobber", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct mv_opts o = { 0 };
	int c;
	while ((c = box_getopt(argc, argv, "fnv", longopts)) != -1) {
		switch (c) {
		case 'f': o.no_clobber = false; break;
		case 'n': o.no_clobber = true; break;
		case 'v': o.verbose = true; break;
		case OPT_HELP: return box_help(mv_usage);
		default: return box_usage_error(1);
		}
	}
	return for_each_source(argc, argv, move_one, &o);
}
