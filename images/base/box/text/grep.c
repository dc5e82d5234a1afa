/*
 * grep (and egrep, fgrep): print lines matching patterns, with POSIX basic
 * or extended regular expressions from wasi-libc's <regex.h>.
 * Exit status: 0 a line was selected, 1 none was, 2 an error occurred.
 */
#include "box.h"

#include <ctype.h>
#include <regex.h>

static const char grep_usage[] =
	"Usage: grep [OPTION]... PATTERNS [FILE]...\n"
	"Search for PATTERNS in each FILE (standard input for none or '-';\n"
	"the current directory with -r).\n\n"
	"  -E  PATTERNS are extended regular expressions (egrep)\n"
	"  -F  PATTERNS are fixed strings (fgrep)\n"
	"  -G  PATTERNS are basic regular expressions (default)\n"
	"  -e PATTERNS  use PATTERNS for matching (may be repeated)\n"
	"  -i  ignore case distinctions\n"
	"  -v  select non-matching lines\n"
	"  -w  match only whole words\n"
	"  -x  match only whole lines\n"
	"  -c  print only a count of selected lines per FILE\n"
	"  -l  print only names of FILEs with selected lines\n"
	"  -L  print only names of FILEs with no selected lines\n"
	"  -n  print line numbers\n"
	"  -o  print only the matched parts of lines\n"
	"  -q  quiet: exit 0 on the first match, print nothing\n"
	"  -s  suppress messages about nonexistent or unreadable files\n"
	"  -H  print file names; -h: never print them\n"
	"  -m NUM  stop after NUM selected lines\n"
	"  -A NUM, -B NUM, -C NUM  print NUM lines of context after, before, around\n"
	"  -r, -R  search directories recursively\n";

enum mode { MODE_BASIC, MODE_EXTENDED, MODE_FIXED };

struct grep_opts {
	enum mode mode;
	bool icase, invert, words, whole_line, count, files_with, files_without;
	bool number, only, quiet, no_messages, recursive, deref;
	int with_name; /* 1 -H, 0 -h, -1 decide by number of files */
	long max_count, after, before;
};

static struct grep_opts go;
static char **patterns; /* fixed strings, or the sources of `regexes` */
static regex_t *regexes;
static size_t npatterns;
static bool any_selected;
static int grep_status; /* 2 once an error happened */

static bool is_word_char(int c) { return isalnum(c) || c == '_'; }

/* Case-insensitive or exact search for a fixed string from `from`. */
static bool fixed_find(const char *line, size_t len, size_t from, const char *pat, regmatch_t *m)
{
	size_t plen = strlen(pat);
	if (plen > len)
		return false;
	for (size_t i = from; i + plen <= len; i++) {
		bool same = go.icase ? strncasecmp(line + i, pat, plen) == 0 : memcmp(line + i, pat, plen) == 0;
		if (same) {
			m->rm_so = (regoff_t)i;
			m->rm_eo = (regoff_t)(i + plen);
			return true;
		}
	}
	return false;
}

/* The leftmost match of pattern `k` at or after `from`, honouring -w and -x. */
static bool pattern_find(size_t k, const char *line, size_t len, size_t from, regmatch_t *m)
{
	for (size_t start = from; start <= len; start++) {
		regmatch_t r;
		if (go.mode == MODE_FIXED) {
			if (!fixed_find(line, len, start, patterns[k], &r))
				return false;
		} else {
			int flags = start > 0 ? REG_NOTBOL : 0;
			if (regexec(&regexes[k], line + start, 1, &r, flags) != 0)
				return false;
			r.rm_so += (regoff_t)start;
			r.rm_eo += (regoff_t)start;
		}
		if (go.whole_line) {
			/* regexes are anchored as ^(P)$; a fixed string must be the line */
			if (r.rm_so != 0 || (size_t)r.rm_eo != len)
				return false;
			*m = r;
			return true;
		}
		if (!go.words) {
			*m = r;
			return true;
		}
		bool left = r.rm_so == 0 || !is_word_char((unsigned char)line[r.rm_so - 1]);
		bool right = (size_t)r.rm_eo == len || !is_word_char((unsigned char)line[r.rm_eo]);
		if (left && right && r.rm_eo > r.rm_so) {
			*m = r;
			return true;
		}
		start = (size_t)r.rm_so; /* try again one character further on */
	}
	return false;
}

/* The leftmost (then longest) match of any pattern at or after `from`. */
static bool line_find(const char *line, size_t len, size_t from, regmatch_t *best)
{
	bool found = false;
	for (size_t k = 0; k < npatterns; k++) {
		regmatch_t m;
		if (!pattern_find(k, line, len, from, &m))
			continue;
		if (!found || m.rm_so < best->rm_so || (m.rm_so == best->rm_so && m.rm_eo > best->rm_eo))
			*best = m;
		found = true;
	}
	return found;
}

static void print_prefix(const char *name, long lineno, char sep)
{
	if (name)
		printf("%s%c", name, sep);
	if (go.number)
		printf("%ld%c", lineno, sep);
}

/* Context: a ring of the last `before` lines, and how many after-lines remain. */
struct context {
	char **lines;
	size_t *lens;
	long count, head;
	long after_left;
	long last_printed; /* line number last printed, for "--" separators */
};

static void context_push(struct context *ctx, const char *line, size_t len)
{
	if (go.before <= 0)
		return;
	long slot = (ctx->head + ctx->count) % go.before;
	if (ctx->count == go.before) {
		slot = ctx->head;
		ctx->head = (ctx->head + 1) % go.before;
	} else {
		ctx->count++;
	}
	free(ctx->lines[slot]);
	ctx->lines[slot] = xmalloc(len + 1);
	memcpy(ctx->lines[slot], line, len + 1);
	ctx->lens[slot] = len;
}

static void print_line(const char *name, long lineno, const char *line, size_t len, char sep, struct context *ctx)
{
	bool use_context = go.before > 0 || go.after > 0;
	if (use_context && ctx->last_printed > 0 && lineno > ctx->last_printed + 1)
		puts("--");
	print_prefix(name, lineno, sep);
	fwrite(line, 1, len, stdout);
	putchar('\n');
	ctx->last_printed = lineno;
}

/* Searches one open stream; returns the number of selected lines. */
static long grep_stream(FILE *in, const char *name)
{
	long selected = 0, lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	struct context ctx = { 0 };
	if (go.before > 0) {
		ctx.lines = xcalloc((size_t)go.before, sizeof *ctx.lines);
		ctx.lens = xcalloc((size_t)go.before, sizeof *ctx.lens);
	}
	bool printing = !go.count && !go.files_with && !go.files_without && !go.quiet;
	while ((got = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		lineno++;
		regmatch_t m;
		bool match = line_find(line, len, 0, &m) != go.invert;
		if (!match) {
			if (printing && ctx.after_left > 0) {
				ctx.after_left--;
				print_line(name, lineno, line, len, '-', &ctx);
			} else {
				context_push(&ctx, line, len);
			}
			continue;
		}
		selected++;
		any_selected = true;
		if (go.quiet || go.files_with)
			break; /* the answer is known */
		if (printing) {
			/* before-context lines still in the ring */
			for (long i = 0; i < ctx.count; i++) {
				long slot = (ctx.head + i) % go.before;
				long n = lineno - ctx.count + i;
				if (n > ctx.last_printed)
					print_line(name, n, ctx.lines[slot], ctx.lens[slot], '-', &ctx);
			}
			ctx.count = ctx.head = 0;
			if (go.only && !go.invert) {
				for (size_t from = 0; from <= len && line_find(line, len, from, &m);) {
					if (m.rm_eo > m.rm_so) {
						print_prefix(name, lineno, ':');
						fwrite(line + m.rm_so, 1, (size_t)(m.rm_eo - m.rm_so), stdout);
						putchar('\n');
						from = (size_t)m.rm_eo;
					} else {
						from = (size_t)m.rm_so + 1;
					}
				}
				ctx.last_printed = lineno;
			} else if (!go.only) {
				print_line(name, lineno, line, len, ':', &ctx);
			}
			ctx.after_left = go.after;
		}
		if (go.max_count >= 0 && selected >= go.max_count)
			break;
	}
	free(line);
	for (long i = 0; i < go.before; i++)
		free(ctx.lines[i]);
	free(ctx.lines);
	free(ctx.lens);
	if (ferror(in)) {
		if (!go.no_messages)
			box_perr("%s", name ? name : "(standard input)");
		grep_status = 2;
	}
	return selected;
}

static void report(const char *display, long selected, bool show_name)
{
	if (go.count) {
		if (show_name)
			printf("%s:", display);
		printf("%ld\n", selected);
	}
	if (go.files_with && selected > 0)
		puts(display);
	if (go.files_without && selected == 0)
		puts(display);
}

static void grep_file(const char *path, const char *display, bool show_name);

/* How the entries of a directory searched by -r are named in the output. */
struct grep_walk {
	const char *display_prefix;
	bool show_name;
};

static int grep_entry(const char *path, const char *name, void *ctx)
{
	const struct grep_walk *walk = ctx;
	char *shown = walk->display_prefix ? path_join(walk->display_prefix, name) : xstrdup(name);
	struct stat st;
	if (lstat(path, &st) == 0 && (!S_ISLNK(st.st_mode) || go.deref))
		grep_file(path, shown, walk->show_name);
	free(shown);
	return 0;
}

static void grep_directory(const char *path, const char *display_prefix, bool show_name)
{
	struct grep_walk walk = { display_prefix, show_name };
	if (box_walk_dir(path, BOX_WALK_SORTED, grep_entry, &walk) < 0) {
		if (!go.no_messages)
			box_perr("%s", path);
		grep_status = 2;
	}
}

static void grep_file(const char *path, const char *display, bool show_name)
{
	if (go.quiet && any_selected)
		return;
	struct stat st;
	bool is_stdin = strcmp(path, "-") == 0;
	if (!is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (go.recursive) {
			grep_directory(path, display, show_name);
		} else {
			if (!go.no_messages)
				box_err("%s: Is a directory", path);
			grep_status = 2;
		}
		return;
	}
	FILE *in = is_stdin ? stdin : fopen(path, "r");
	if (!in) {
		if (!go.no_messages)
			box_perr("%s", path);
		grep_status = 2;
		return;
	}
	const char *name = show_name ? display : NULL;
	long selected = grep_stream(in, name);
	report(display, selected, show_name);
	box_fclose_in(in);
}

/* Adds each line of `text` as a pattern (grep -e 'a\nb' means a or b). */
static void add_patterns(const char *text)
{
	const char *p = text;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		patterns = xrealloc(patterns, (npatterns + 1) * sizeof *patterns);
		patterns[npatterns] = xmalloc(len + 1);
		memcpy(patterns[npatterns], p, len);
		patterns[npatterns][len] = '\0';
		npatterns++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static bool compile_patterns(void)
{
	if (go.mode == MODE_FIXED)
		return true;
	regexes = xcalloc(npatterns, sizeof *regexes);
	int flags = (go.mode == MODE_EXTENDED ? REG_EXTENDED : 0) | (go.icase ? REG_ICASE : 0);
	for (size_t i = 0; i < npatterns; i++) {
		buf_t src = { 0 };
		if (go.whole_line) {
			/* anchor the whole pattern: ^(P)$ */
			buf_puts(&src, go.mode == MODE_EXTENDED ? "^(" : "^\\(");
			buf_puts(&src, patterns[i]);
			buf_puts(&src, go.mode == MODE_EXTENDED ? ")$" : "\\)$");
		} else {
			buf_puts(&src, patterns[i]);
		}
		int err = regcomp(&regexes[i], src.data, flags);
		buf_free(&src);
		if (err != 0) {
			char msg[256];
			regerror(err, &regexes[i], msg, sizeof msg);
			box_err("%s", msg);
			for (size_t j = 0; j < i; j++)
				regfree(&regexes[j]);
			free(regexes);
			regexes = NULL;
			return false;
		}
	}
	return true;
}

static void free_patterns(void)
{
	for (size_t i = 0; i < npatterns; i++) {
		if (regexes)
			regfree(&regexes[i]);
		free(patterns[i]);
	}
	free(regexes);
	free(patterns);
	regexes = NULL;
	patterns = NULL;
	npatterns = 0;
}

static bool parse_num_arg(const char *s, long *out, const char *what)
{
	if (!parse_long(s, out) || *out < 0) {
		box_err("%s: invalid %s argument", s, what);
		return false;
	}
	return true;
}

int grep_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "extended-regexp", no_argument, NULL, 'E' },
		{ "fixed-strings", no_argument, NULL, 'F' },
		{ "basic-regexp", no_argument, NULL, 'G' },
		{ "regexp", required_argument, NULL, 'e' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "invert-match", no_argument, NULL, 'v' },
		{ "word-regexp", no_argument, NULL, 'w' },
		{ "line-regexp", no_argument, NULL, 'x' },
		{ "count", no_argument, NULL, 'c' },
		{ "files-with-matches", no_argument, NULL, 'l' },
		{ "files-without-match", no_argument, NULL, 'L' },
		{ "line-number", no_argument, NULL, 'n' },
		{ "only-matching", no_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'q' },
		{ "no-messages", no_argument, NULL, 's' },
		{ "with-filename", no_argument, NULL, 'H' },
		{ "no-filename", no_argument, NULL, 'h' },
		{ "max-count", required_argument, NULL, 'm' },
		{ "after-context", required_argument, NULL, 'A' },
		{ "before-context", required_argument, NULL, 'B' },
		{ "context", required_argument, NULL, 'C' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "dereference-recursive", no_argument, NULL, 'R' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	memset(&go, 0, sizeof go);
	go.with_name = -1;
	go.max_count = -1;
	any_selected = false;
	grep_status = 0;
	patterns = NULL;
	regexes = NULL;
	npatterns = 0;
	if (strcmp(applet_name, "egrep") == 0)
		go.mode = MODE_EXTENDED;
	else if (strcmp(applet_name, "fgrep") == 0)
		go.mode = MODE_FIXED;
	bool have_e = false;
	int c;
	while ((c = box_getopt(argc, argv, "EFGe:ivwxclLnoqsHhm:A:B:C:rRIa", longopts)) != -1) {
		switch (c) {
		case 'E': go.mode = MODE_EXTENDED; break;
		case 'F': go.mode = MODE_FIXED; break;
		case 'G': go.mode = MODE_BASIC; break;
		case 'e': add_patterns(optarg); have_e = true; break;
		case 'i': go.icase = true; break;
		case 'v': go.invert = true; break;
		case 'w': go.words = true; break;
		case 'x': go.whole_line = true; break;
		case 'c': go.count = true; break;
		case 'l': go.files_with = true; break;
		case 'L': go.files_without = true; break;
		case 'n': go.number = true; break;
		case 'o': go.only = true; break;
		case 'q': go.quiet = true; break;
		case 's': go.no_messages = true; break;
		case 'H': go.with_name = 1; break;
		case 'h': go.with_name = 0; break;
		case 'r': go.recursive = true; break;
		case 'R': go.recursive = go.deref = true; break;
		case 'I': case 'a': break; /* binary handling: text is all there is here */
		case 'm': if (!parse_num_arg(optarg, &go.max_count, "max count")) goto usage; break;
		case 'A': if (!parse_num_arg(optarg, &go.after, "context length")) goto usage; break;
		case 'B': if (!parse_num_arg(optarg, &go.before, "context length")) goto usage; break;
		case 'C':
			if (!parse_num_arg(optarg, &go.after, "context length"))
				goto usage;
			go.before = go.after;
			break;
		case OPT_HELP: free_patterns(); return box_help(grep_usage);
		default: goto usage;
		}
	}
	if (!have_e) {
		if (optind >= argc)
			goto usage;
		add_patterns(argv[optind++]);
	}
	if (!compile_patterns()) {
		free_patterns();
		return 2;
	}
	static char *stdin_only[] = { "-", NULL };
	bool no_files = optind >= argc;
	char **files = no_files ? stdin_only : argv + optind;
	int nfiles = no_files ? 1 : argc - optind;
	bool show_name = go.with_name == 1 || (go.with_name == -1 && (nfiles > 1 || go.recursive));
	if (no_files && go.recursive) {
		/* grep -r PATTERN searches "." but shows names without "./" */
		grep_directory(".", NULL, go.with_name != 0);
	} else {
		for (int i = 0; i < nfiles; i++) {
			bool is_stdin = strcmp(files[i], "-") == 0;
			grep_file(files[i], is_stdin ? "(standard input)" : files[i], show_name);
		}
	}
	free_patterns();
	fflush(stdout);
	if (go.quiet && any_selected)
		return 0;
	return grep_status ? 2 : any_selected ? 0 : 1;
usage:
	free_patterns();
	if (optind >= argc)
		fprintf(stderr, "Usage: %s [OPTION]... PATTERNS [FILE]...\n", applet_name);
	return box_usage_error(2);
}

int egrep_main(int argc, char **argv) { return grep_main(argc, argv); }
int fgrep_main(int argc, char **argv) { return grep_main(argc, argv); }
