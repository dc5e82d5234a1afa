/*
 * tar.c: tar c/x/t with -f, -v, -C and -z, in POSIX ustar format.
 *
 * Archives are built and read in memory (so -z is gzip over the whole
 * archive, as GNU tar pipes through gzip). Extraction also understands
 * GNU long names ('L'/'K') and pax 'path'/'linkpath' records, which GNU
 * tar writes for long names (and writes 'L'/'K' records itself when a name
 * does not fit ustar's 100+155 bytes), and refuses members that would escape the
 * target directory through "..". WASI keeps no permission bits or owners:
 * archives record Linux-like defaults (box.h's mode_string), root/root.
 */
#include "deflate.h"
#include "sysutil.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 512
#define RECORD (20 * BLOCK)

typedef struct {
	char op;            /* 'c', 'x' or 't' */
	bool verbose, gzip;
	const char *file;   /* NULL or "-": stdin/stdout */
	const char *dir;    /* -C */
	char **members;
	int nmembers;
	int status;         /* 2 after any error, as GNU tar */
	bool warned_slash;
	FILE *msg;          /* where -v names go (stderr when the archive is stdout) */
} tar_opts;

static void tar_fail(tar_opts *o) {
	o->status = 2;
}

/* ---- header fields ----------------------------------------------------------- */

static void put_octal(char *field, size_t size, unsigned long long value) {
	/* size-1 digits and a NUL, as GNU tar. */
	snprintf(field, size, "%0*llo", (int)(size - 1), value);
}

static unsigned long long get_octal(const char *field, size_t size) {
	unsigned long long value = 0;
	size_t i = 0;
	while (i < size && (field[i] == ' ' || field[i] == '\0')) i++;
	for (; i < size && field[i] >= '0' && field[i] <= '7'; i++) value = value * 8 + (unsigned)(field[i] - '0');
	return value;
}

static unsigned checksum(const unsigned char *h) {
	unsigned sum = 0;
	for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

/* Splits a long name into ustar's prefix (155) and name (100) at a '/'. */
static bool set_name(unsigned char *h, const char *name) {
	size_t len = strlen(name);
	if (len <= 100) {
		memcpy(h, name, len);
		return true;
	}
	for (size_t i = len - 1; i > 0; i--) {
		if (name[i] == '/' && i <= 155 && len - i - 1 <= 100 && len - i - 1 > 0) {
			memcpy(h + 345, name, i);
			memcpy(h, name + i + 1, len - i - 1);
			return true;
		}
	}
	return false;
}

/* ---- create -------------------------------------------------------------------- */

static void add_entry(tar_opts *o, buf_t *ar, const char *path, const char *name);

static void add_header(buf_t *ar, const char *name, char type, unsigned mode, unsigned long long size,
                       long long mtime, const char *link);

/* GNU's long-name record: a '././@LongLink' member of type L (name) or K
 * (link target) whose data is the full string, before the real header. */
static void add_long_record(buf_t *ar, char type, const char *text) {
	size_t len = strlen(text) + 1;
	add_header(ar, "././@LongLink", type, 0644, len, 0, NULL);
	buf_append(ar, text, len);
	static const unsigned char zeros[BLOCK];
	if (len % BLOCK) buf_append(ar, zeros, BLOCK - len % BLOCK);
}

static void add_header(buf_t *ar, const char *name, char type, unsigned mode, unsigned long long size,
                       long long mtime, const char *link) {
	unsigned char h[BLOCK] = {0};
	if (!set_name(h, name)) {
		add_long_record(ar, 'L', name);
		memcpy(h, name, 100); /* truncated, as GNU tar */
	}
	if (link && strlen(link) > 100) add_long_record(ar, 'K', link);
	put_octal((char *)h + 100, 8, mode);
	put_octal((char *)h + 108, 8, 0);
	put_octal((char *)h + 116, 8, 0);
	put_octal((char *)h + 124, 12, size);
	put_octal((char *)h + 136, 12, mtime < 0 ? 0 : (unsigned long long)mtime);
	h[156] = (unsigned char)type;
	if (link) memcpy(h + 157, link, strnlen(link, 100));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	snprintf((char *)h + 148, 8, "%06o", checksum(h));
	h[155] = ' ';
	buf_append(ar, h, BLOCK);
}

static unsigned mode_bits_of(const char *path, const struct stat *st) {
	char m[11];
	mode_string(path, st, m);
	unsigned bits = 0;
	for (int i = 1; i < 10; i++) bits = (bits << 1) | (m[i] != '-' && m[i] != 'S' && m[i] != 'T');
	if (m[9] == 't' || m[9] == 'T') bits |= 01000;
	return bits;
}

/* A directory being archived: its entries' member names are under `name`. */
typedef struct {
	tar_opts *o;
	buf_t *ar;
	const char *name;
} tar_dir;

static int add_dir_entry(const char *path, const char *entry, void *ctx) {
	const tar_dir *dir = ctx;
	char *child_name = path_join(dir->name, entry);
	add_entry(dir->o, dir->ar, path, child_name);
	free(child_name);
	return 0;
}

static void add_directory(tar_opts *o, buf_t *ar, const char *path, const char *name) {
	tar_dir dir = { o, ar, name };
	/* Sorted, so archives do not depend on directory order. */
	if (box_walk_dir(path, BOX_WALK_SORTED, add_dir_entry, &dir) < 0) {
		box_perr("%s: Cannot open", path);
		tar_fail(o);
	}
}

static void add_entry(tar_opts *o, buf_t *ar, const char *path, const char *name) {
	struct stat st;
	if (lstat(path, &st) != 0) {
		box_perr("%s: Cannot stat", path);
		tar_fail(o);
		return;
	}
	/* Member names are relative: drop leading "/" (and "./"). */
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/')) {
		if (name[0] == '/' && !o->warned_slash) {
			box_err("Removing leading '/' from member names");
			o->warned_slash = true;
		}
		name += name[0] == '/' ? 1 : 2;
	}
	if (!*name) name = ".";
	bool dir = S_ISDIR(st.st_mode);
	char *member = dir ? xmalloc(strlen(name) + 2) : xstrdup(name);
	if (dir) sprintf(member, "%s%s", name, name[strlen(name) - 1] == '/' ? "" : "/");
	if (o->verbose) fprintf(o->msg, "%s\n", member);
	unsigned mode = mode_bits_of(path, &st);
	if (dir) {
		add_header(ar, member, '5', mode, 0, st.st_mtim.tv_sec, NULL);
		add_directory(o, ar, path, name);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n < 0) {
			box_perr("%s: Cannot readlink", path);
			tar_fail(o);
		} else {
			target[n] = '\0';
			add_header(ar, member, '2', 0777, 0, st.st_mtim.tv_sec, target);
		}
	} else if (S_ISREG(st.st_mode)) {
		FILE *f = fopen(path, "rb");
		buf_t data = {0};
		if (!f || buf_read_all(&data, f) != 0) {
			box_perr("%s: Cannot open", path);
			tar_fail(o);
		} else {
			add_header(ar, member, '0', mode, data.len, st.st_mtim.tv_sec, NULL);
			buf_append(ar, data.data, data.len);
			static const unsigned char zeros[BLOCK];
			if (data.len % BLOCK) buf_append(ar, zeros, BLOCK - data.len % BLOCK);
		}
		if (f) fclose(f);
		buf_free(&data);
	} else {
		box_err("%s: socket ignored", path);
	}
	free(member);
}

static int tar_create(tar_opts *o) {
	if (o->nmembers == 0)
		return box_usage_fail(2, "Cowardly refusing to create an empty archive");
	buf_t ar = {0};
	for (int i = 0; i < o->nmembers; i++) {
		char *path = o->dir && o->members[i][0] != '/' ? path_join(o->dir, o->members[i]) : xstrdup(o->members[i]);
		add_entry(o, &ar, path, o->members[i]);
		free(path);
	}
	/* Two zero blocks end the archive; pad to a whole record as GNU tar. */
	size_t end = ar.len + 2 * BLOCK;
	end = (end + RECORD - 1) / RECORD * RECORD;
	buf_reserve(&ar, end - ar.len);
	memset(ar.data + ar.len, 0, end - ar.len);
	ar.len = end;
	buf_t out = {0};
	const buf_t *result = &ar;
	if (o->gzip) {
		gzip_compress(&out, (unsigned char *)ar.data, ar.len, NULL, (uint32_t)time(NULL));
		result = &out;
	}
	bool to_stdout = !o->file || strcmp(o->file, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(o->file, "wb");
	if (!f || fwrite(result->data, 1, result->len, f) != result->len || (to_stdout ? fflush(f) : fclose(f)) != 0) {
		box_perr("%s: Cannot write", to_stdout ? "stdout" : o->file);
		tar_fail(o);
	}
	buf_free(&ar);
	buf_free(&out);
	return o->status;
}

/* ---- read (x and t) ---------------------------------------------------------------- */

/* True when `name` is selected by the member operands (or there are none);
 * a directory operand selects everything under it. */
static bool selected(tar_opts *o, const char *name, bool *matched) {
	if (o->nmembers == 0) return true;
	for (int i = 0; i < o->nmembers; i++) {
		const char *m = o->members[i];
		size_t len = strlen(m);
		while (len > 1 && m[len - 1] == '/') len--;
		if (strncmp(name, m, len) == 0 && (name[len] == '\0' || name[len] == '/')) {
			matched[i] = true;
			return true;
		}
	}
	return false;
}

/* A name that stays inside the target directory: no ".." components. */
static bool safe_name(const char *name) {
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') return false;
		p += n;
		while (*p == '/') p++;
	}
	return true;
}

static void make_parents(const char *path) {
	char *copy = xstrdup(path);
	for (char *p = copy + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	}
	free(copy);
}

static void set_mtime(const char *path, long long mtime) {
	struct timespec times[2] = { { .tv_sec = (time_t)mtime }, { .tv_sec = (time_t)mtime } };
	utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
}

static void extract(tar_opts *o, const char *name, char type, const unsigned char *data, size_t size,
                    const char *target_name, long long mtime) {
	if (!safe_name(name)) {
		box_err("%s: Member name contains '..'", name);
		tar_fail(o);
		return;
	}
	char *path = o->dir ? path_join(o->dir, name) : xstrdup(name);
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/') path[--len] = '\0';
	make_parents(path);
	switch (type) {
	case '5':
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			box_perr("%s: Cannot mkdir", name);
			tar_fail(o);
		}
		break;
	case '2':
		unlink(path);
		if (symlink(target_name, path) != 0) {
			box_perr("%s: Cannot create symlink to '%s'", name, target_name);
			tar_fail(o);
		}
		break;
	case '1': {
		char *target = o->dir ? path_join(o->dir, target_name) : xstrdup(target_name);
		unlink(path);
		if (!safe_name(target_name) || link(target, path) != 0) {
			box_perr("%s: Cannot hard link to '%s'", name, target_name);
			tar_fail(o);
		}
		free(target);
		break;
	}
	default: {
		unlink(path); /* replace, never write through an existing link */
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
			box_perr("%s: Cannot open", name);
			tar_fail(o);
			if (f) fclose(f);
		} else {
			set_mtime(path, mtime);
		}
	}
	}
	free(path);
}

static void list_entry(tar_opts *o, const char *name, char type, unsigned mode, unsigned long long size,
                       long long mtime, const char *link) {
	if (!o->verbose) {
		printf("%s\n", name);
		return;
	}
	char modes[11] = "-rwxrwxrwx";
	modes[0] = type == '5' ? 'd' : type == '2' ? 'l' : type == '1' ? 'h' : '-';
	for (int i = 0; i < 9; i++)
		if (!(mode & (1u << (8 - i)))) modes[i + 1] = '-';
	if (mode & 01000) modes[9] = modes[9] == 'x' ? 't' : 'T';
	if (modes[0] == 'h') modes[0] = '-';
	char when[32];
	time_t t = (time_t)mtime;
	struct tm tm;
	if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	else snprintf(when, sizeof when, "?");
	printf("%s root/root %9llu %s %s", modes, size, when, name);
	if (type == '2') printf(" -> %s", link);
	if (type == '1') printf(" link to %s", link);
	putchar('\n');
}

/* Value of `key` in pax extended header records "LEN key=value\n". */
static char *pax_value(const unsigned char *data, size_t size, const char *key) {
	size_t pos = 0, klen = strlen(key);
	while (pos < size) {
		char *end;
		unsigned long len = strtoul((const char *)data + pos, &end, 10);
		const char *rec = (const char *)data + pos;
		if (end == rec || *end != ' ' || len == 0 || len > size - pos) break;
		const char *kv = end + 1;
		size_t kvlen = len - (size_t)(kv - rec);
		if (kvlen > klen + 1 && strncmp(kv, key, klen) == 0 && kv[klen] == '=') {
			size_t vlen = kvlen - klen - 2; /* minus '=' and '\n' */
			char *value = xmalloc(vlen + 1);
			memcpy(value, kv + klen + 1, vlen);
			value[vlen] = '\0';
			return value;
		}
		pos += len;
	}
	return NULL;
}

static int tar_read(tar_opts *o) {
	bool from_stdin = !o->file || strcmp(o->file, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(o->file, "rb");
	buf_t raw = {0};
	if (!f || buf_read_all(&raw, f) != 0) {
		box_perr("%s: Cannot open", from_stdin ? "stdin" : o->file);
		box_err("Error is not recoverable: exiting now");
		if (f && !from_stdin) fclose(f);
		buf_free(&raw);
		return 2;
	}
	if (!from_stdin) fclose(f);
	/* Compressed archives are recognised by their magic, -z or not. */
	buf_t plain = {0};
	const buf_t *ar = &raw;
	if (is_gzip((unsigned char *)raw.data, raw.len)) {
		const char *error = gzip_decompress(&plain, (unsigned char *)raw.data, raw.len);
		if (error && strncmp(error, "decompression OK", 16) != 0) {
			box_err("gzip: %s", error);
			box_err("Error is not recoverable: exiting now");
			buf_free(&raw);
			buf_free(&plain);
			return 2;
		}
		ar = &plain;
	} else if (o->gzip) {
		box_err("gzip: stdin: not in gzip format");
		box_err("Error is not recoverable: exiting now");
		buf_free(&raw);
		return 2;
	}
	bool *matched = xcalloc((size_t)o->nmembers + 1, sizeof *matched);
	char *long_name = NULL, *long_link = NULL;
	const unsigned char *p = (const unsigned char *)ar->data;
	size_t pos = 0, len = ar->len;
	bool any = false;
	while (len - pos >= BLOCK) {
		const unsigned char *h = p + pos;
		static const unsigned char zeros[BLOCK];
		if (memcmp(h, zeros, BLOCK) == 0) break;
		if (get_octal((const char *)h + 148, 8) != checksum(h)) {
			box_err(any ? "Skipping to next header" : "This does not look like a tar archive");
			if (!any) box_err("Exiting with failure status due to previous errors");
			tar_fail(o);
			break;
		}
		any = true;
		unsigned long long size = get_octal((const char *)h + 124, 12);
		char type = (char)h[156];
		pos += BLOCK;
		if (size > len - pos) {
			box_err("Unexpected EOF in archive");
			tar_fail(o);
			break;
		}
		const unsigned char *data = p + pos;
		pos += (size + BLOCK - 1) / BLOCK * BLOCK > len - pos ? len - pos : (size + BLOCK - 1) / BLOCK * BLOCK;
		if (type == 'L' || type == 'K') {
			char **slot = type == 'L' ? &long_name : &long_link;
			free(*slot);
			*slot = xmalloc(size + 1);
			memcpy(*slot, data, size);
			(*slot)[size] = '\0';
			continue;
		}
		if (type == 'x') {
			char *v = pax_value(data, size, "path");
			if (v) free(long_name), long_name = v;
			v = pax_value(data, size, "linkpath");
			if (v) free(long_link), long_link = v;
			continue;
		}
		if (type == 'g') continue;
		char name[4096], link[4096];
		if (long_name) {
			snprintf(name, sizeof name, "%s", long_name);
		} else if (h[345]) {
			snprintf(name, sizeof name, "%.155s/%.100s", (const char *)h + 345, (const char *)h);
		} else {
			snprintf(name, sizeof name, "%.100s", (const char *)h);
		}
		if (long_link) snprintf(link, sizeof link, "%s", long_link);
		else snprintf(link, sizeof link, "%.100s", (const char *)h + 157);
		free(long_name);
		free(long_link);
		long_name = long_link = NULL;
		const char *member = name;
		while (*member == '/') member++;
		if (!*member || !selected(o, member, matched)) continue;
		unsigned mode = (unsigned)get_octal((const char *)h + 100, 8);
		long long mtime = (long long)get_octal((const char *)h + 136, 12);
		if (o->op == 't') {
			list_entry(o, member, type, mode, size, mtime, link);
		} else {
			if (o->verbose) fprintf(o->msg, "%s\n", member);
			extract(o, member, type, data, (size_t)size, link, mtime);
		}
	}
	for (int i = 0; i < o->nmembers; i++) {
		if (!matched[i]) {
			box_err("%s: Not found in archive", o->members[i]);
			tar_fail(o);
		}
	}
	if (o->status && any) box_err("Exiting with failure status due to previous errors");
	free(long_name);
	free(long_link);
	free(matched);
	buf_free(&raw);
	buf_free(&plain);
	return o->status;
}

/* ---- options ---------------------------------------------------------------------------- */

static int tar_usage(void) {
	return box_help("Usage: tar -c [-zv] [-f ARCHIVE] [-C DIR] FILE...\n"
	                "       tar -x [-zv] [-f ARCHIVE] [-C DIR] [MEMBER]...\n"
	                "       tar -t [-zv] [-f ARCHIVE] [MEMBER]...\n"
	                "Create, extract or list ustar archives ('tar cvf a.tar dir' also works).\n\n"
	                "  -c, --create          create a new archive\n"
	                "  -x, --extract         extract files from an archive\n"
	                "  -t, --list            list the contents of an archive\n"
	                "  -f, --file=ARCHIVE    use archive file ARCHIVE ('-' or none: stdin/stdout)\n"
	                "  -C, --directory=DIR   change to directory DIR first\n"
	                "  -v, --verbose         list files processed\n"
	                "  -z, --gzip            filter the archive through gzip\n");
}

/* Applies one option letter; `arg` is its argument for f and C. */
static bool tar_option(tar_opts *o, char c, const char *arg) {
	switch (c) {
	case 'c': case 'x': case 't':
		if (o->op && o->op != c) {
			box_err("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option");
			return false;
		}
		o->op = c;
		return true;
	case 'v': o->verbose = true; return true;
	case 'z': o->gzip = true; return true;
	case 'f': o->file = arg; return true;
	case 'C': o->dir = arg; return true;
	case 'o': case 'p': case 'm': return true; /* owners and modes: nothing to keep in WASI */
	default:
		box_err("invalid option -- '%c'", c);
		return false;
	}
}

int tar_main(int argc, char **argv) {
	tar_opts o = { .msg = stdout };
	char **members = xcalloc((size_t)argc, sizeof *members);
	o.members = members;
	int status = 2;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		static const struct { const char *name; char letter; } longs[] = {
			{ "--create", 'c' }, { "--extract", 'x' }, { "--get", 'x' }, { "--list", 't' }, { "--verbose", 'v' },
			{ "--gzip", 'z' }, { "--gunzip", 'z' }, { "--file", 'f' }, { "--directory", 'C' },
		};
		if (strcmp(a, "--help") == 0) {
			status = tar_usage();
			goto done;
		}
		if (strncmp(a, "--", 2) == 0 && a[2]) {
			char letter = 0;
			const char *value = NULL;
			for (size_t k = 0; k < sizeof longs / sizeof *longs; k++) {
				size_t n = strlen(longs[k].name);
				if (strncmp(a, longs[k].name, n) == 0 && (a[n] == '\0' || a[n] == '=')) {
					letter = longs[k].letter;
					value = a[n] == '=' ? a + n + 1 : NULL;
				}
			}
			if (!letter) {
				box_err("unrecognized option '%s'", a);
				status = box_usage_error(2);
				goto done;
			}
			if ((letter == 'f' || letter == 'C') && !value) {
				if (i + 1 >= argc) {
					box_err("option '%s' requires an argument", a);
					status = box_usage_error(2);
					goto done;
				}
				value = argv[++i];
			}
			if (!tar_option(&o, letter, value)) goto usage;
			continue;
		}
		/* The first argument may be a dash-less bundle: "cvzf". */
		bool bundle = a[0] == '-' ? a[1] != '\0' && a[1] != '-' : i == 1;
		if (!bundle) {
			o.members[o.nmembers++] = a;
			continue;
		}
		for (const char *c = a[0] == '-' ? a + 1 : a; *c; c++) {
			const char *arg = NULL;
			if (*c == 'f' || *c == 'C') {
				/* "-fNAME" in a dashed bundle, else the next argument. */
				if (a[0] == '-' && c[1]) {
					arg = c + 1;
				} else if (i + 1 < argc) {
					arg = argv[++i];
				} else {
					box_err("option requires an argument -- '%c'", *c);
					goto usage;
				}
			}
			if (!tar_option(&o, *c, arg)) goto usage;
			if (arg && a[0] == '-' && arg == c + 1) break;
		}
	}
	if (!o.op) {
		box_err("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options");
		goto usage;
	}
	if (o.op == 'c' && (!o.file || strcmp(o.file, "-") == 0)) o.msg = stderr;
	if (o.op == 'c' && !o.file && isatty(STDOUT_FILENO)) {
		box_err("Refusing to write archive contents to terminal (missing -f option?)");
		box_err("Error is not recoverable: exiting now");
		goto done;
	}
	status = o.op == 'c' ? tar_create(&o) : tar_read(&o);
	goto done;
usage:
	status = box_usage_error(2);
done:
	free(members);
	return status;
}
