/*
 * disk.c: df, du and stat.
 *
 * WASI's filestat has no block count, so du measures apparent sizes rounded
 * up to whole 1K blocks (directories and symlinks count 0, as on tmpfs).
 */
#include "sysutil.h"

#include <time.h>
#include <unistd.h>

/* ---- df -------------------------------------------------------------------- */

typedef struct {
	char source[64], target[256];
	unsigned long long size, used, avail;
} mount_usage;

/* Device name of mount point `target` in /proc/mounts ("overlay", "proc"). */
static void mount_source(const char *mounts, const char *target, char *out, size_t size) {
	snprintf(out, size, "none");
	for (const char *line = mounts; line && *line;) {
		char source[64], where[256];
		if (sscanf(line, "%63s %255s", source, where) == 2 && strcmp(where, target) == 0) {
			snprintf(out, size, "%s", source);
			return;
		}
		line = strchr(line, '\n');
		if (line) line++;
	}
}

static void df_cell(bool human, unsigned long long bytes, char out[32]) {
	if (human) {
		char h[16];
		human_size((long long)bytes, h);
		snprintf(out, 32, "%s", h);
	} else {
		snprintf(out, 32, "%llu", bytes / 1024);
	}
}

int df_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "human-readable", no_argument, NULL, 'h' }, { "all", no_argument, NULL, 'a' },
		{ "portability", no_argument, NULL, 'P' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool human = false, all = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "hakP", longopts)) != -1) {
		switch (opt) {
		case 'h': human = true; break;
		case 'a': all = true; break;
		case 'k': human = false; break;
		case 'P': break;
		case OPT_HELP:
			return box_help("Usage: df [OPTION]... [FILE]...\n"
			                "Show information about the file systems (from /proc/diskusage).\n\n"
			                "  -a, --all             include pseudo file systems such as /proc\n"
			                "  -h, --human-readable  print sizes in powers of 1024 (e.g., 1023M)\n"
			                "  -k                    sizes in 1K blocks (the default)\n");
		default: return box_usage_error(1);
		}
	}
	char *usage = proc_read("diskusage", NULL);
	if (!usage) {
		box_perr("cannot read %s/diskusage", proc_root());
		return 1;
	}
	char *mounts = proc_read("mounts", NULL);
	mount_usage rows[32];
	size_t n = 0;
	for (char *line = strtok(usage, "\n"); line && n < 32; line = strtok(NULL, "\n")) {
		mount_usage *m = &rows[n];
		unsigned long long inodes, iused;
		if (sscanf(line, "%255s %llu %llu %llu %llu %llu", m->target, &m->size, &m->used, &m->avail, &inodes, &iused) < 4) continue;
		if (!all && m->size == 0) continue; /* pseudo file systems, as GNU df */
		mount_source(mounts, m->target, m->source, sizeof m->source);
		n++;
	}
	free(mounts);

	/* FILE operands select the mount each one is on (longest prefix). */
	size_t pick[32], npick = 0;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			box_perr("%s", argv[i]);
			continue;
		}
		size_t best = n, best_len = 0;
		for (size_t j = 0; j < n; j++) {
			size_t len = strlen(rows[j].target);
			bool inside = strcmp(rows[j].target, "/") == 0 ||
			              (strncmp(argv[i], rows[j].target, len) == 0 && (argv[i][len] == '/' || !argv[i][len]));
			if (argv[i][0] != '/') inside = strcmp(rows[j].target, "/") == 0;
			if (inside && (best == n || len > best_len)) best = j, best_len = len;
		}
		if (best < n && npick < 32) pick[npick++] = best;
	}
	if (optind >= argc)
		for (size_t j = 0; j < n; j++) pick[npick++] = j;
	else if (npick == 0) {
		free(usage);
		return 1;
	}

	/* Columns as wide as their widest cell, like GNU df. */
	const char *head[6] = { "Filesystem", human ? "Size" : "1K-blocks", "Used", human ? "Avail" : "Available", "Use%", "Mounted on" };
	char cells[33][6][32];
	int width[6] = { 14, 0, 0, 0, 0, 0 };
	for (int c = 0; c < 6; c++) {
		snprintf(cells[0][c], 32, "%s", head[c]);
	}
	for (size_t r = 0; r < npick; r++) {
		mount_usage *m = &rows[pick[r]];
		snprintf(cells[r + 1][0], 32, "%s", m->source);
		df_cell(human, m->size, cells[r + 1][1]);
		df_cell(human, m->used, cells[r + 1][2]);
		df_cell(human, m->avail, cells[r + 1][3]);
		unsigned long long base = m->used + m->avail;
		if (base == 0) snprintf(cells[r + 1][4], 32, "-");
		else snprintf(cells[r + 1][4], 32, "%llu%%", (m->used * 100 + base - 1) / base);
		snprintf(cells[r + 1][5], 32, "%.31s", m->target);
	}
	for (size_t r = 0; r <= npick; r++)
		for (int c = 0; c < 6; c++) {
			int len = (int)strlen(cells[r][c]);
			if (len > width[c]) width[c] = len;
		}
	for (size_t r = 0; r <= npick; r++) {
		printf("%-*s %*s %*s %*s %*s %s\n", width[0], cells[r][0], width[1], cells[r][1], width[2], cells[r][2],
		       width[3], cells[r][3], width[4], cells[r][4], cells[r][5]);
	}
	free(usage);
	return 0;
}

/* ---- du -------------------------------------------------------------------- */

typedef struct {
	bool all, summarize, human;
	int status;
	/* Files with several links are counted once: (dev, ino) seen so far. */
	struct { dev_t dev; ino_t ino; } *seen;
	size_t nseen, capseen;
} du_opts;

static bool du_seen(du_opts *o, const struct stat *st) {
	for (size_t i = 0; i < o->nseen; i++)
		if (o->seen[i].dev == st->st_dev && o->seen[i].ino == st->st_ino) return true;
	if (o->nseen == o->capseen) {
		o->capseen = o->capseen ? o->capseen * 2 : 64;
		o->seen = xrealloc(o->seen, o->capseen * sizeof *o->seen);
	}
	o->seen[o->nseen].dev = st->st_dev;
	o->seen[o->nseen++].ino = st->st_ino;
	return false;
}

static void du_print(const du_opts *o, unsigned long long kb, const char *path) {
	if (o->human) {
		char h[16];
		printf("%s\t%s\n", human_size((long long)kb * 1024, h), path);
	} else {
		printf("%llu\t%s\n", kb, path);
	}
}

/* The entries of a directory being summed (one level below it). */
typedef struct {
	du_opts *o;
	int depth;
	unsigned long long total;
} du_dir;

static int du_entry(const char *path, const char *name, void *ctx);

/* Size in 1K blocks of `path` and everything under it; prints as it goes. */
static unsigned long long du_walk(du_opts *o, const char *path, int depth) {
	struct stat st;
	if (lstat(path, &st) != 0) {
		box_perr("cannot access '%s'", path);
		o->status = 1;
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (st.st_nlink > 1 && du_seen(o, &st)) return 0;
		unsigned long long kb = S_ISREG(st.st_mode) ? ((unsigned long long)st.st_size + 1023) / 1024 : 0;
		if (depth == 0 || (o->all && !o->summarize)) du_print(o, kb, path);
		return kb;
	}
	du_dir walk = { o, depth + 1, 0 };
	if (box_walk_dir(path, BOX_WALK_DIR_ORDER, du_entry, &walk) < 0) {
		box_perr("cannot read directory '%s'", path);
		o->status = 1;
		return 0;
	}
	if (depth == 0 || !o->summarize) du_print(o, walk.total, path);
	return walk.total;
}

static int du_entry(const char *path, const char *name, void *ctx) {
	du_dir *walk = ctx;
	(void)name;
	walk->total += du_walk(walk->o, path, walk->depth);
	return 0;
}

int du_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' }, { "summarize", no_argument, NULL, 's' },
		{ "human-readable", no_argument, NULL, 'h' }, { "total", no_argument, NULL, 'c' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	du_opts o = {0};
	bool total = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "ashck", longopts)) != -1) {
		switch (opt) {
		case 'a': o.all = true; break;
		case 's': o.summarize = true; break;
		case 'h': o.human = true; break;
		case 'k': o.human = false; break;
		case 'c': total = true; break;
		case OPT_HELP:
			return box_help("Usage: du [OPTION]... [FILE]...\n"
			                "Summarize disk usage of each FILE, recursively for directories,\n"
			                "in 1K blocks (file sizes rounded up: WASI reports no block counts).\n\n"
			                "  -a, --all             write counts for all files, not just directories\n"
			                "  -c, --total           produce a grand total\n"
			                "  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)\n"
			                "  -k                    sizes in 1K blocks (the default)\n"
			                "  -s, --summarize       display only a total for each argument\n");
		default: return box_usage_error(1);
		}
	}
	if (o.all && o.summarize)
		return box_usage_fail(1, "cannot both summarize and show all entries");
	unsigned long long grand = 0;
	if (optind >= argc) grand += du_walk(&o, ".", 0);
	for (int i = optind; i < argc; i++) grand += du_walk(&o, argv[i], 0);
	if (total) du_print(&o, grand, "total");
	free(o.seen);
	return o.status;
}

/* ---- stat ------------------------------------------------------------------ */

static const char *file_type(mode_t mode, off_t size) {
	if (S_ISREG(mode)) return size == 0 ? "regular empty file" : "regular file";
	if (S_ISDIR(mode)) return "directory";
	if (S_ISLNK(mode)) return "symbolic link";
	if (S_ISCHR(mode)) return "character special file";
	if (S_ISBLK(mode)) return "block special file";
	if (S_ISFIFO(mode)) return "fifo";
	if (S_ISSOCK(mode)) return "socket";
	return "unknown";
}

/* "2026-11-26 21:40:54.123456789 +0000" */
static void format_stat_time(struct timespec ts, char out[64]) {
	struct tm tm;
	char date[40];
	if (!gmtime_r(&ts.tv_sec, &tm) || strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(out, 64, "?");
		return;
	}
	snprintf(out, 64, "%s.%09ld +0000", date, (long)ts.tv_nsec);
}

/* Permission bits the mode string shows (WASI has none: box.h fills in
 * Linux's defaults), in octal. */
static unsigned mode_bits(const char m[11]) {
	unsigned bits = 0;
	for (int i = 1; i < 10; i++) bits = (bits << 1) | (m[i] != '-' && m[i] != 'S' && m[i] != 'T');
	if (m[3] == 's' || m[3] == 'S') bits |= 04000;
	if (m[6] == 's' || m[6] == 'S') bits |= 02000;
	if (m[9] == 't' || m[9] == 'T') bits |= 01000 | (m[9] == 't');
	return bits;
}

static void stat_format(const char *format, bool escapes, const char *path, const struct stat *st) {
	char mode[11], when[64], link[4096];
	for (const char *p = format; *p; p++) {
		if (escapes && *p == '\\' && p[1]) {
			p++;
			putchar(*p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			continue;
		}
		if (*p != '%' || !p[1]) {
			putchar(*p);
			continue;
		}
		switch (*++p) {
		case '%': putchar('%'); break;
		case 'n': fputs(path, stdout); break;
		case 'N':
			if (S_ISLNK(st->st_mode)) {
				ssize_t n = readlink(path, link, sizeof link - 1);
				link[n < 0 ? 0 : n] = '\0';
				printf("'%s' -> '%s'", path, link);
			} else {
				printf("'%s'", path);
			}
			break;
		case 's': printf("%lld", (long long)st->st_size); break;
		case 'F': fputs(file_type(st->st_mode, st->st_size), stdout); break;
		case 'i': printf("%llu", (unsigned long long)st->st_ino); break;
		case 'h': printf("%llu", (unsigned long long)st->st_nlink); break;
		case 'b': printf("%llu", ((unsigned long long)st->st_size + 511) / 512); break;
		case 'B': fputs("512", stdout); break;
		case 'A': mode_string(path, st, mode); fputs(mode, stdout); break;
		case 'a': mode_string(path, st, mode); printf("%o", mode_bits(mode)); break;
		case 'u': case 'g': fputs("0", stdout); break;
		case 'U': case 'G': fputs("root", stdout); break;
		case 'y': format_stat_time(st->st_mtim, when); fputs(when, stdout); break;
		case 'x': format_stat_time(st->st_atim, when); fputs(when, stdout); break;
		case 'z': format_stat_time(st->st_ctim, when); fputs(when, stdout); break;
		case 'Y': printf("%lld", (long long)st->st_mtim.tv_sec); break;
		case 'X': printf("%lld", (long long)st->st_atim.tv_sec); break;
		case 'Z': printf("%lld", (long long)st->st_ctim.tv_sec); break;
		default: putchar('%'); putchar(*p); break;
		}
	}
}

/* GNU stat's default layout. */
static void stat_default(const char *path, const struct stat *st) {
	char mode[11], when[64];
	mode_string(path, st, mode);
	if (S_ISLNK(st->st_mode)) {
		char link[4096];
		ssize_t n = readlink(path, link, sizeof link - 1);
		link[n < 0 ? 0 : n] = '\0';
		printf("  File: %s -> %s\n", path, link);
	} else {
		printf("  File: %s\n", path);
	}
	printf("  Size: %-10lld\tBlocks: %-10llu IO Block: %-6d %s\n", (long long)st->st_size,
	       ((unsigned long long)st->st_size + 511) / 512, 4096, file_type(st->st_mode, st->st_size));
	printf("Device: %llu,%llu\tInode: %-11llu Links: %llu\n", (unsigned long long)(st->st_dev >> 8) & 0xfff,
	       (unsigned long long)st->st_dev & 0xff, (unsigned long long)st->st_ino, (unsigned long long)st->st_nlink);
	printf("Access: (%04o/%s)  Uid: (    0/    root)   Gid: (    0/    root)\n", mode_bits(mode), mode);
	format_stat_time(st->st_atim, when);
	printf("Access: %s\n", when);
	format_stat_time(st->st_mtim, when);
	printf("Modify: %s\n", when);
	format_stat_time(st->st_ctim, when);
	printf("Change: %s\n", when);
	printf(" Birth: -\n");
}

int stat_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'c' }, { "printf", required_argument, NULL, 'p' },
		{ "dereference", no_argument, NULL, 'L' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	const char *format = NULL;
	bool newline = true, follow = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "c:L", longopts)) != -1) {
		switch (opt) {
		case 'c': format = optarg; newline = true; break;
		case 'p': format = optarg; newline = false; break;
		case 'L': follow = true; break;
		case OPT_HELP:
			return box_help("Usage: stat [OPTION]... FILE...\n"
			                "Display file status.\n\n"
			                "  -L, --dereference     follow links\n"
			                "  -c  --format=FORMAT   use FORMAT instead of the default; newline after each\n"
			                "      --printf=FORMAT   like --format, but interpret backslash escapes\n"
			                "                        and do not output a trailing newline\n\n"
			                "FORMAT sequences: %n name, %N quoted name (-> target), %s size, %F type,\n"
			                "%i inode, %h links, %b blocks, %A and %a access rights, %u %U %g %G owner,\n"
			                "%x %y %z access/modify/change time, %X %Y %Z the same in seconds.\n");
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing operand");
	int status = 0;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) != 0) {
			box_perr("cannot statx '%s'", argv[i]);
			status = 1;
			continue;
		}
		if (format) {
			stat_format(format, !newline, argv[i], &st);
			if (newline) putchar('\n');
		} else {
			stat_default(argv[i], &st);
		}
	}
	return status;
}
