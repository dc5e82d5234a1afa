/* ls: list directory contents, GNU-style. */
#include "box.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

static const char ls_usage[] =
	"Usage: ls [-1aAdFhlRrSt] [--color[=WHEN]] [FILE]...\n"
	"List information about the FILEs (the current directory by default).\n\n"
	"  -a  do not ignore entries starting with .\n"
	"  -A  like -a, but without . and ..\n"
	"  -d  list directories themselves, not their contents\n"
	"  -F  append an indicator (one of */@) to entries\n"
	"  -h  with -l, print sizes like 1K 234M 2G\n"
	"  -l  use a long listing format\n"
	"  -R  list subdirectories recursively\n"
	"  -r  reverse the order of the sort\n"
	"  -S  sort by file size, largest first\n"
	"  -t  sort by modification time, newest first\n"
	"  -1  list one file per line\n"
	"  --color[=WHEN]  colour names: always, never (default), auto\n";

enum show { SHOW_VISIBLE, SHOW_ALMOST_ALL, SHOW_ALL };
enum sort_by { SORT_NAME, SORT_TIME, SORT_SIZE };

struct ls_opts {
	enum show show;
	enum sort_by sort;
	bool longfmt, human, recursive, dirs_as_files, one_per_line, reverse, classify, color;
	int columns; /* terminal width when printing in columns, else 0 */
};

struct entry {
	char *name; /* as shown */
	char *path; /* for lstat/readlink */
	struct stat st;
	char *target; /* symlink target, for -l */
};

static struct ls_opts opt;
static int ls_status;
static time_t now;

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
		free(e[i].target);
	}
	free(e);
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int r = 0;
	if (opt.sort == SORT_TIME) {
		if (a->st.st_mtim.tv_sec != b->st.st_mtim.tv_sec)
			r = a->st.st_mtim.tv_sec > b->st.st_mtim.tv_sec ? -1 : 1;
		else if (a->st.st_mtim.tv_nsec != b->st.st_mtim.tv_nsec)
			r = a->st.st_mtim.tv_nsec > b->st.st_mtim.tv_nsec ? -1 : 1;
	} else if (opt.sort == SORT_SIZE && a->st.st_size != b->st.st_size) {
		r = a->st.st_size > b->st.st_size ? -1 : 1;
	}
	if (r == 0)
		r = strcmp(a->name, b->name);
	return opt.reverse ? -r : r;
}

static bool is_executable(const struct entry *e)
{
	char mode[11];
	mode_string(e->path, &e->st, mode);
	return S_ISREG(e->st.st_mode) && (mode[3] == 'x' || mode[6] == 'x' || mode[9] == 'x');
}

/* Colour (SGR parameters) for an entry, as GNU's default LS_COLORS. */
static const char *color_of(const struct entry *e)
{
	if (S_ISDIR(e->st.st_mode))
		return "01;34";
	if (S_ISLNK(e->st.st_mode))
		return "01;36";
	if (is_executable(e))
		return "01;32";
	return NULL;
}

static char indicator_of(const struct entry *e)
{
	if (S_ISDIR(e->st.st_mode))
		return '/';
	if (S_ISLNK(e->st.st_mode))
		return '@';
	if (S_ISFIFO(e->st.st_mode))
		return '|';
	if (is_executable(e))
		return '*';
	return 0;
}

/* Prints a name with colour and -F indicator; returns the printed width. */
static int print_name(const struct entry *e)
{
	const char *color = opt.color ? color_of(e) : NULL;
	int width = (int)strlen(e->name);
	if (color)
		printf("\033[%sm%s\033[0m", color, e->name);
	else
		fputs(e->name, stdout);
	char ind = opt.classify ? indicator_of(e) : 0;
	if (ind && !(ind == '@' && opt.longfmt)) {
		putchar(ind);
		width++;
	}
	return width;
}

/* 1K blocks used, as `total` counts them (WASI reports no st_blocks). */
static long long blocks_of(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return 0;
	long long pages = ((long long)st->st_size + 4095) / 4096;
	if (S_ISDIR(st->st_mode) && pages == 0)
		pages = 1;
	return pages * 4;
}

static void format_time(time_t t, char out[32])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, 32, "%lld", (long long)t);
		return;
	}
	/* GNU: recent files (within six months, not in the future) show the time, others the year. */
	const time_t six_months = 31556952 / 2;
	if (t <= now + 60 && now - t < six_months)
		strftime(out, 32, "%b %e %H:%M", &tm);
	else
		strftime(out, 32, "%b %e  %Y", &tm);
}

static void size_text(const struct entry *e, char out[32])
{
	char human[16];
	if (opt.human)
		snprintf(out, 32, "%s", human_size((long long)e->st.st_size, human));
	else
		snprintf(out, 32, "%lld", (long long)e->st.st_size);
}

static void print_long(struct entry *e, size_t n)
{
	int link_w = 1, size_w = 1;
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		int w = snprintf(buf, sizeof buf, "%lu", (unsigned long)e[i].st.st_nlink);
		if (w > link_w)
			link_w = w;
		size_text(&e[i], buf);
		w = (int)strlen(buf);
		if (w > size_w)
			size_w = w;
	}
	for (size_t i = 0; i < n; i++) {
		char mode[11], date[32], size[32];
		mode_string(e[i].path, &e[i].st, mode);
		format_time(e[i].st.st_mtim.tv_sec, date);
		size_text(&e[i], size);
		printf("%s %*lu root root %*s %s ", mode, link_w, (unsigned long)e[i].st.st_nlink, size_w, size, date);
		print_name(&e[i]);
		if (S_ISLNK(e[i].st.st_mode) && e[i].target)
			printf(" -> %s", e[i].target);
		putchar('\n');
	}
}

/* GNU's vertical columns ("ls -C"): as many columns as fit the width. */
static void print_columns(struct entry *e, size_t n)
{
	size_t cols = n;
	size_t *width = xcalloc(n ? n : 1, sizeof *width);
	for (; cols > 1; cols--) {
		size_t rows = (n + cols - 1) / cols;
		size_t total = 0;
		memset(width, 0, cols * sizeof *width);
		for (size_t i = 0; i < n; i++) {
			size_t w = strlen(e[i].name) + (opt.classify && indicator_of(&e[i]) ? 1 : 0);
			if (w > width[i / rows])
				width[i / rows] = w;
		}
		for (size_t c = 0; c < cols; c++)
			total += width[c] + (c + 1 < cols ? 2 : 0);
		/* a layout where the last column is empty is not a real one */
		if (total < (size_t)opt.columns && (cols - 1) * rows < n)
			break;
	}
	if (cols <= 1) {
		for (size_t i = 0; i < n; i++) {
			print_name(&e[i]);
			putchar('\n');
		}
		free(width);
		return;
	}
	size_t rows = (n + cols - 1) / cols;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				break;
			int w = print_name(&e[i]);
			if (c + 1 < cols && i + rows < n)
				printf("%*s", (int)(width[c] - (size_t)w + 2), "");
		}
		putchar('\n');
	}
	free(width);
}

static void print_entries(struct entry *e, size_t n)
{
	qsort(e, n, sizeof *e, compare_entries);
	if (opt.longfmt) {
		print_long(e, n);
	} else if (opt.columns > 0 && !opt.one_per_line) {
		print_columns(e, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			print_name(&e[i]);
			putchar('\n');
		}
	}
}

/* Fills e from lstat(path); false (with errno) when it cannot. */
static bool load_entry(struct entry *e, const char *name, char *path, bool follow)
{
	e->name = xstrdup(name);
	e->path = path;
	e->target = NULL;
	if ((follow ? stat(path, &e->st) : lstat(path, &e->st)) != 0) {
		/* a dangling symlink operand is still listed, as the link */
		if (!follow || lstat(path, &e->st) != 0)
			return false;
	}
	if (S_ISLNK(e->st.st_mode) && opt.longfmt) {
		char buf[4096];
		ssize_t len = readlink(path, buf, sizeof buf - 1);
		if (len >= 0) {
			buf[len] = '\0';
			e->target = xstrdup(buf);
		}
	}
	return true;
}

static bool wanted(const char *name)
{
	if (name[0] != '.')
		return true;
	if (opt.show == SHOW_ALL)
		return true;
	if (opt.show == SHOW_ALMOST_ALL)
		return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
	return false;
}

/* Lists one directory; `header` prints "path:" first (several operands, -R). */
static void list_directory(const char *path, bool header, bool operand, bool *first_block)
{
	DIR *dir = opendir(path);
	if (!dir) {
		box_perr("cannot open directory '%s'", path);
		ls_status = operand ? 2 : (ls_status ? ls_status : 1);
		return;
	}
	size_t n = 0, cap = 16;
	struct entry *e = xmalloc(cap * sizeof *e);
	struct dirent *d;
	/* -a promises . and .., which a WASI fd_readdir need not return. */
	bool dot_seen = opt.show != SHOW_ALL, dotdot_seen = opt.show != SHOW_ALL;
	bool eof = false;
	for (;;) {
		const char *name;
		if (!eof && (d = readdir(dir)) != NULL)
			name = d->d_name;
		else if ((eof = true) && !dot_seen)
			name = ".";
		else if (!dotdot_seen)
			name = "..";
		else
			break;
		dot_seen = dot_seen || strcmp(name, ".") == 0;
		dotdot_seen = dotdot_seen || strcmp(name, "..") == 0;
		if (!wanted(name))
			continue;
		if (n == cap)
			e = xrealloc(e, (cap *= 2) * sizeof *e);
		if (!load_entry(&e[n], name, path_join(path, name), false)) {
			box_perr("cannot access '%s'", e[n].path);
			free(e[n].name);
			free(e[n].path);
			ls_status = ls_status ? ls_status : 1;
			continue;
		}
		n++;
	}
	closedir(dir);
	if (!*first_block)
		putchar('\n');
	*first_block = false;
	if (header)
		printf("%s:\n", path);
	if (opt.longfmt) {
		long long total = 0;
		for (size_t i = 0; i < n; i++)
			total += blocks_of(&e[i].st);
		char human[16];
		if (opt.human)
			printf("total %s\n", human_size(total * 1024, human));
		else
			printf("total %lld\n", total);
	}
	print_entries(e, n);
	if (opt.recursive) {
		for (size_t i = 0; i < n; i++) {
			if (S_ISDIR(e[i].st.st_mode) && strcmp(e[i].name, ".") != 0 && strcmp(e[i].name, "..") != 0)
				list_directory(e[i].path, true, false, first_block);
		}
	}
	free_entries(e, n);
}

static bool parse_color(const char *when)
{
	if (!when || strcmp(when, "always") == 0 || strcmp(when, "yes") == 0 || strcmp(when, "force") == 0)
		return true;
	if (strcmp(when, "never") == 0 || strcmp(when, "no") == 0 || strcmp(when, "none") == 0 ||
		strcmp(when, "auto") == 0 || strcmp(when, "tty") == 0 || strcmp(when, "if-tty") == 0)
		return false;
	box_err("invalid argument '%s' for '--color'", when);
	return false;
}

enum { OPT_COLOR = OPT_HELP + 1 };

int ls_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "almost-all", no_argument, NULL, 'A' },
		{ "directory", no_argument, NULL, 'd' },
		{ "classify", no_argument, NULL, 'F' },
		{ "human-readable", no_argument, NULL, 'h' },
		{ "recursive", no_argument, NULL, 'R' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	memset(&opt, 0, sizeof opt);
	ls_status = 0;
	now = time(NULL);
	if (isatty(STDOUT_FILENO)) {
		long cols;
		const char *env = getenv("COLUMNS");
		opt.columns = env && parse_long(env, &cols) && cols > 0 && cols < 10000 ? (int)cols : 80;
	}
	int c;
	while ((c = box_getopt(argc, argv, "1aAdFhlRrStC", longopts)) != -1) {
		switch (c) {
		case '1': opt.one_per_line = true; break;
		case 'a': opt.show = SHOW_ALL; break;
		case 'A': opt.show = SHOW_ALMOST_ALL; break;
		case 'd': opt.dirs_as_files = true; break;
		case 'F': opt.classify = true; break;
		case 'h': opt.human = true; break;
		case 'l': opt.longfmt = true; break;
		case 'R': opt.recursive = true; break;
		case 'r': opt.reverse = true; break;
		case 'S': opt.sort = SORT_SIZE; break;
		case 't': opt.sort = SORT_TIME; break;
		case 'C': if (!opt.columns) opt.columns = 80; opt.one_per_line = false; break;
		case OPT_COLOR:
			opt.color = parse_color(optarg);
			if (optarg && !opt.color && strcmp(optarg, "never") && strcmp(optarg, "no") &&
				strcmp(optarg, "none") && strcmp(optarg, "auto") && strcmp(optarg, "tty") && strcmp(optarg, "if-tty"))
				return box_usage_error(2);
			break;
		case OPT_HELP: return box_help(ls_usage);
		default: return box_usage_error(2);
		}
	}
	static char *dot[] = { ".", NULL };
	char **operands = optind < argc ? argv + optind : dot;
	int noperands = optind < argc ? argc - optind : 1;

	/* Files (and, with -d, directories) first as one group, then directories. */
	struct entry *files = xmalloc((size_t)noperands * sizeof *files);
	struct entry *dirs = xmalloc((size_t)noperands * sizeof *dirs);
	size_t nfiles = 0, ndirs = 0;
	for (int i = 0; i < noperands; i++) {
		struct entry e;
		/* Command-line symlinks are followed unless -l or -d shows the link itself. */
		bool follow = !opt.longfmt && !opt.dirs_as_files;
		if (!load_entry(&e, operands[i], xstrdup(operands[i]), follow)) {
			box_perr("cannot access '%s'", operands[i]);
			free(e.name);
			free(e.path);
			ls_status = 2;
			continue;
		}
		bool is_dir = S_ISDIR(e.st.st_mode);
		if (!is_dir && S_ISLNK(e.st.st_mode) && opt.longfmt && !opt.dirs_as_files) {
			/* ls -l LINK-TO-DIR shows the link; GNU lists the dir only with a trailing slash */
			size_t len = strlen(operands[i]);
			struct stat target;
			if (len > 0 && operands[i][len - 1] == '/' && stat(operands[i], &target) == 0 && S_ISDIR(target.st_mode)) {
				e.st = target;
				is_dir = true;
			}
		}
		if (is_dir && !opt.dirs_as_files)
			dirs[ndirs++] = e;
		else
			files[nfiles++] = e;
	}
	bool first_block = true;
	if (nfiles > 0) {
		print_entries(files, nfiles);
		first_block = false;
	}
	qsort(dirs, ndirs, sizeof *dirs, compare_entries);
	bool headers = noperands > 1 || opt.recursive;
	for (size_t i = 0; i < ndirs; i++)
		list_directory(dirs[i].path, headers, true, &first_block);
	free_entries(files, nfiles);
	free_entries(dirs, ndirs);
	if (fflush(stdout) != 0)
		return 2;
	return ls_status;
}
