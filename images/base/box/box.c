/*
 * box: a BusyBox-style multi-call binary. One wasm module holds every
 * applet, so an image ships one compiled program and many hard links
 * (/bin/ls, /bin/cat, ...) to it; the applet is chosen by the name it was
 * started as, or by `box APPLET ARGS...`.
 */
#include "box.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* File and text applets (file/, text/); keep sorted for readability. */
#define BOX_APPLETS(X) \
	X(cat) X(cp) X(cut) X(echo) X(egrep) X(fgrep) X(find) X(grep) X(head) \
	X(ln) X(ls) X(mkdir) X(mv) X(printf) X(pwd) X(readlink) X(rm) \
	X(rmdir) X(sed) X(seq) X(sort) X(tail) X(tee) X(touch) X(tr) X(uniq) \
	X(wc) X(xargs)

#define DECLARE_APPLET(name) int name##_main(int argc, char **argv);
BOX_APPLETS(DECLARE_APPLET)

/* System applets (sys/, another owner) come from sys/applets.h, an X-macro
 * list of SYS_APPLET(name) entries, when it exists. */
#if defined(__has_include)
#if __has_include("sys/applets.h")
#define BOX_HAVE_SYS_APPLETS 1
#endif
#endif

#ifdef BOX_HAVE_SYS_APPLETS
#define SYS_APPLET(name) DECLARE_APPLET(name)
#include "sys/applets.h"
#undef SYS_APPLET
#ifdef SYS_APPLETS
SYS_APPLETS(DECLARE_APPLET)
#endif
#endif

struct applet {
	const char *name;
	applet_main_t main;
};

#define APPLET_ENTRY(name) { #name, name##_main },
static const struct applet applets[] = {
	BOX_APPLETS(APPLET_ENTRY)
#ifdef BOX_HAVE_SYS_APPLETS
#ifdef SYS_APPLETS
	SYS_APPLETS(APPLET_ENTRY)
#else
#define SYS_APPLET(name) APPLET_ENTRY(name)
#include "sys/applets.h"
#undef SYS_APPLET
#endif
#endif
};
#define APPLET_COUNT (sizeof(applets) / sizeof(applets[0]))

const char *applet_name = "box";

applet_main_t box_find_applet(const char *name)
{
	for (size_t i = 0; i < APPLET_COUNT; i++)
		if (strcmp(applets[i].name, name) == 0)
			return applets[i].main;
	return NULL;
}

int box_run_applet(applet_main_t main_fn, const char *name, int argc, char **argv)
{
	const char *saved = applet_name;
	applet_name = name;
	box_getopt_reset();
	int status = main_fn(argc, argv);
	/* Output must be ordered with whatever the caller writes next. */
	fflush(stdout);
	applet_name = saved;
	box_getopt_reset();
	return status & 0xff;
}

/* qsort comparator for arrays of C strings (applet names, directory entries). */
static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_applets(void)
{
	const char *names[APPLET_COUNT];
	for (size_t i = 0; i < APPLET_COUNT; i++)
		names[i] = applets[i].name;
	qsort(names, APPLET_COUNT, sizeof(names[0]), compare_strings);
	for (size_t i = 0; i < APPLET_COUNT; i++)
		puts(names[i]);
}

static const char box_usage_text[] =
	"Usage: box APPLET [ARGS...]\n"
	"   or: APPLET [ARGS...]   (box started through a link named APPLET)\n"
	"       box --list         list the applets\n"
	"Run 'box APPLET --help' for an applet's options.\n";

/*
 * The runtime starts programs with PWD set to the working directory, but
 * wasi-libc resolves relative paths against its own cwd, which starts at
 * "/". Adopt PWD so `ls` lists the shell's current directory.
 */
static void adopt_pwd(void)
{
	const char *pwd = getenv("PWD");
	if (pwd && pwd[0] == '/')
		(void)chdir(pwd); /* a stale PWD leaves us in "/", as before */
}

int main(int argc, char **argv)
{
	adopt_pwd();
	char *name = base_name(argc > 0 && argv[0] ? argv[0] : "box");
	applet_main_t fn = box_find_applet(name);
	int status;
	if (fn) {
		status = box_run_applet(fn, name, argc, argv);
	} else if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs(box_usage_text, argc < 2 ? stderr : stdout);
		status = argc < 2 ? 1 : 0;
	} else if (strcmp(argv[1], "--list") == 0) {
		list_applets();
		status = 0;
	} else if ((fn = box_find_applet(argv[1])) != NULL) {
		status = box_run_applet(fn, argv[1], argc - 1, argv + 1);
	} else {
		fprintf(stderr, "box: applet not found: %s\n", argv[1]);
		status = 127;
	}
	free(name);
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	return status;
}

/* ---- messages ---------------------------------------------------------- */

static void vmessage(const char *fmt, va_list ap)
{
	fflush(stdout); /* keep stdout and stderr in order on a terminal */
	fprintf(stderr, "%s: ", applet_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void box_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void box_perr(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: ", applet_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	errno = saved;
}

int box_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

int box_usage_error(int status)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", applet_name);
	return status;
}

int box_usage_fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return box_usage_error(status);
}

void box_getopt_reset(void)
{
	optind = 0; /* musl (wasi-libc) fully re-initialises getopt on optind 0 */
	opterr = 0;
}

int box_getopt(int argc, char **argv, const char *optstring, const struct option *longopts)
{
	static const struct option none[] = { BOX_END_OPTIONS };
	opterr = 0;
	optopt = 0;
	int c = getopt_long(argc, argv, optstring, longopts ? longopts : none, NULL);
	if (c != '?')
		return c;
	const char *spec = optopt ? strchr(optstring, optopt) : NULL;
	if (optopt == 0)
		box_err("unrecognized option '%s'", argv[optind - 1]);
	else if (spec && spec[1] == ':')
		box_err("option requires an argument -- '%c'", optopt);
	else
		box_err("invalid option -- '%c'", optopt);
	return '?';
}

/* ---- memory ------------------------------------------------------------ */

static void *check_alloc(void *p)
{
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", applet_name);
		exit(1);
	}
	return p;
}

void *xmalloc(size_t size) { return check_alloc(malloc(size ? size : 1)); }
void *xrealloc(void *ptr, size_t size) { return check_alloc(realloc(ptr, size ? size : 1)); }
void *xcalloc(size_t count, size_t size) { return check_alloc(calloc(count ? count : 1, size ? size : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }

char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	bool slash = !(dl == 1 && dir[0] == '/');
	size_t nl = strlen(name);
	char *out = xmalloc(dl + nl + 2);
	memcpy(out, dir, dl);
	if (slash)
		out[dl++] = '/';
	memcpy(out + dl, name, nl + 1);
	return out;
}

char *base_name(const char *path)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end == 0)
		return xstrdup(".");
	char *out = xmalloc(end - start + 1);
	memcpy(out, path + start, end - start);
	out[end - start] = '\0';
	return out;
}

/* ---- directories ------------------------------------------------------- */

int box_walk_dir(const char *dir, enum box_walk_order order, box_entry_fn fn, void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	size_t n = 0, cap = 16;
	char **names = xmalloc(cap * sizeof *names);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap)
			names = xrealloc(names, (cap *= 2) * sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (order == BOX_WALK_SORTED)
		qsort(names, n, sizeof *names, compare_strings);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]);
		status |= fn(path, names[i], ctx);
		free(path);
		free(names[i]);
	}
	free(names);
	return status;
}

/* ---- buffer ------------------------------------------------------------ */

void buf_reserve(buf_t *b, size_t extra)
{
	if (extra > (size_t)-1 / 2 - b->len) {
		errno = ENOMEM;
		check_alloc(NULL);
	}
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(buf_t *b, const void *bytes, size_t n)
{
	buf_reserve(b, n + 1);
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0'; /* always a C string too */
}

void buf_putc(buf_t *b, char c) { buf_append(b, &c, 1); }
void buf_puts(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_free(buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int buf_read_all(buf_t *b, FILE *f)
{
	for (;;) {
		buf_reserve(b, 65536 + 1);
		size_t n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += n;
		b->data[b->len] = '\0';
		if (n == 0)
			return ferror(f) ? -1 : 0;
	}
}

/* ---- input ------------------------------------------------------------- */

FILE *box_fopen_in(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	FILE *f = fopen(path, "r");
	if (!f) {
		box_perr("%s", path);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		box_perr("%s", path);
		return NULL;
	}
	return f;
}

void box_fclose_in(FILE *f)
{
	if (f == stdin)
		clearerr(stdin); /* `cat - -` reads stdin twice, as coreutils */
	else if (f)
		fclose(f);
}

/* ---- numbers ----------------------------------------------------------- */

bool parse_long(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *s, long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s)
		return false;
	long mult = 1;
	if (*end) {
		const char *units = "KMGT";
		const char *u = strchr(units, *end == 'k' ? 'K' : *end);
		if (!u || !*u)
			return false;
		bool decimal = end[1] == 'B';
		if (end[1 + decimal])
			return false;
		for (const char *p = units; p <= u; p++)
			mult *= decimal ? 1000 : 1024;
	}
	if (v != 0 && (v > __LONG_MAX__ / mult || v < -__LONG_MAX__ / mult))
		return false;
	*out = v * mult;
	return true;
}

const char *human_size(long long bytes, char out[16])
{
	static const char units[] = "KMGTPE";
	if (bytes < 1024) {
		snprintf(out, 16, "%lld", bytes);
		return out;
	}
	double v = (double)bytes;
	int u = -1;
	do {
		v /= 1024;
		u++;
	} while (v >= 1024 && u < 5);
	/* coreutils rounds up: 1025 bytes is 1.1K, not 1.0K */
	if (v < 10) {
		double r = (double)(long long)(v * 10) / 10;
		if (r < v)
			r += 0.1;
		if (r < 10) {
			snprintf(out, 16, "%.1f%c", r, units[u]);
			return out;
		}
		v = r;
	}
	long long whole = (long long)v;
	if ((double)whole < v)
		whole++;
	snprintf(out, 16, "%lld%c", whole, units[u]);
	return out;
}

/* ---- metadata ---------------------------------------------------------- */

static bool in_bin_dir(const char *path)
{
	char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	bool bin = false;
	if (slash) {
		*slash = '\0';
		const char *dir = copy;
		const char *last = strrchr(dir, '/');
		last = last ? last + 1 : dir;
		bin = strcmp(last, "bin") == 0 || strcmp(last, "sbin") == 0;
	} else {
		char cwd[1024];
		if (getcwd(cwd, sizeof cwd)) {
			const char *last = strrchr(cwd, '/');
			last = last ? last + 1 : cwd;
			bin = strcmp(last, "bin") == 0 || strcmp(last, "sbin") == 0;
		}
	}
	free(copy);
	return bin;
}

void mode_string(const char *path, const struct stat *st, char out[11])
{
	mode_t m = st->st_mode;
	char type = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
		: S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
	mode_t perm = m & 07777;
	if (perm == 0) {
		if (S_ISLNK(m))
			perm = 0777;
		else if (S_ISDIR(m))
			perm = strcmp(path, "/tmp") == 0 || strcmp(path, "/tmp/") == 0 ? 01777 : 0755;
		else if (S_ISREG(m) && in_bin_dir(path))
			perm = 0755;
		else
			perm = 0644;
	}
	const char *rwx = "rwxrwxrwx";
	out[0] = type;
	for (int i = 0; i < 9; i++)
		out[1 + i] = (perm & (0400 >> i)) ? rwx[i] : '-';
	if (perm & 04000)
		out[3] = (perm & 0100) ? 's' : 'S';
	if (perm & 02000)
		out[6] = (perm & 0010) ? 's' : 'S';
	if (perm & 01000)
		out[9] = (perm & 0001) ? 't' : 'T';
	out[10] = '\0';
}
