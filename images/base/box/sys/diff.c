/*
 * diff.c: diff [-u | -U N] [-q] [-L LABEL] FILE1 FILE2 — line diffs with
 * Myers' O(ND) algorithm in its linear-space form (the "middle snake"
 * bisection, as GNU diff and diff-match-patch use), so large inputs need
 * memory proportional to their size, not to size x differences.
 *
 * Output is GNU's normal format (1,2c1,3 / < / --- / >) or the unified
 * format; exit status 0 when equal, 1 when different, 2 on trouble.
 */
#include "sysutil.h"

#include <time.h>

typedef struct {
	const char *text; /* start of the line in the file's buffer */
	size_t len;       /* bytes, including the newline when there is one */
	size_t id;        /* equal lines have equal ids */
} line_t;

typedef struct {
	const char *name, *label;
	buf_t data;
	line_t *lines;
	size_t n;
	bool *changed; /* per line: deleted (file 1) or inserted (file 2) */
	struct timespec mtime;
} file_t;

/* ---- reading and numbering lines ------------------------------------------------ */

static bool load(file_t *f) {
	FILE *in = box_fopen_in(f->name);
	if (!in) return false;
	int rc = buf_read_all(&f->data, in);
	struct stat st;
	if (in != stdin && fstat(fileno(in), &st) == 0) f->mtime = st.st_mtim;
	else clock_gettime(CLOCK_REALTIME, &f->mtime);
	box_fclose_in(in);
	if (rc != 0) {
		box_perr("%s", f->name);
		return false;
	}
	size_t cap = 0;
	for (size_t pos = 0; pos < f->data.len;) {
		const char *start = f->data.data + pos;
		const char *nl = memchr(start, '\n', f->data.len - pos);
		size_t len = nl ? (size_t)(nl - start) + 1 : f->data.len - pos;
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->lines = xrealloc(f->lines, cap * sizeof *f->lines);
		}
		f->lines[f->n++] = (line_t){ start, len, 0 };
		pos += len;
	}
	f->changed = xcalloc(f->n + 1, sizeof *f->changed);
	return true;
}

static uint64_t hash_line(const line_t *l) {
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < l->len; i++) h = (h ^ (unsigned char)l->text[i]) * 1099511628211ull;
	return h;
}

/* Gives equal lines of both files the same small id, so the algorithm
 * compares integers. Open addressing over the distinct lines. */
static void number_lines(file_t *a, file_t *b) {
	size_t total = a->n + b->n, cap = 16;
	while (cap < total * 2) cap *= 2;
	const line_t **slots = xcalloc(cap, sizeof *slots);
	size_t next_id = 1;
	file_t *files[2] = { a, b };
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < files[f]->n; i++) {
			line_t *l = &files[f]->lines[i];
			size_t s = (size_t)hash_line(l) & (cap - 1);
			while (slots[s] && (slots[s]->len != l->len || memcmp(slots[s]->text, l->text, l->len) != 0))
				s = (s + 1) & (cap - 1);
			if (!slots[s]) {
				slots[s] = l;
				l->id = next_id++;
			} else {
				l->id = slots[s]->id;
			}
		}
	}
	free(slots);
}

/* ---- Myers' algorithm ---------------------------------------------------------------- */

typedef struct {
	const size_t *a, *b; /* line ids */
	bool *del, *ins;
	long *v1, *v2;       /* scratch diagonals, 2 * (n + m) + 4 each */
} differ;

/* Finds a point on the middle snake of a[0..n) x b[0..m) (both non-empty);
 * false when the sequences have nothing in common. */
static bool bisect(differ *d, const size_t *a, long n, const size_t *b, long m, long *sx, long *sy) {
	long max_d = (n + m + 1) / 2, offset = max_d, vlen = 2 * max_d + 2;
	long *v1 = d->v1, *v2 = d->v2;
	for (long i = 0; i < vlen; i++) v1[i] = v2[i] = -1;
	v1[offset + 1] = 0;
	v2[offset + 1] = 0;
	long delta = n - m;
	bool front = delta % 2 != 0; /* which direction detects the overlap */
	long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
	for (long step = 0; step < max_d; step++) {
		/* Forward paths. */
		for (long k1 = -step + k1start; k1 <= step - k1end; k1 += 2) {
			long k1o = offset + k1, x1;
			if (k1 == -step || (k1 != step && v1[k1o - 1] < v1[k1o + 1])) x1 = v1[k1o + 1];
			else x1 = v1[k1o - 1] + 1;
			long y1 = x1 - k1;
			while (x1 < n && y1 < m && a[x1] == b[y1]) x1++, y1++;
			v1[k1o] = x1;
			if (x1 > n) {
				k1end += 2;
			} else if (y1 > m) {
				k1start += 2;
			} else if (front) {
				long k2o = offset + delta - k1;
				if (k2o >= 0 && k2o < vlen && v2[k2o] != -1 && x1 >= n - v2[k2o]) {
					*sx = x1;
					*sy = y1;
					return true;
				}
			}
		}
		/* Reverse paths (x2, y2 count from the ends). */
		for (long k2 = -step + k2start; k2 <= step - k2end; k2 += 2) {
			long k2o = offset + k2, x2;
			if (k2 == -step || (k2 != step && v2[k2o - 1] < v2[k2o + 1])) x2 = v2[k2o + 1];
			else x2 = v2[k2o - 1] + 1;
			long y2 = x2 - k2;
			while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) x2++, y2++;
			v2[k2o] = x2;
			if (x2 > n) {
				k2end += 2;
			} else if (y2 > m) {
				k2start += 2;
			} else if (!front) {
				long k1o = offset + delta - k2;
				if (k1o >= 0 && k1o < vlen && v1[k1o] != -1) {
					long x1 = v1[k1o], y1 = offset + x1 - k1o;
					if (x1 >= n - x2) {
						*sx = x1;
						*sy = y1;
						return true;
					}
				}
			}
		}
	}
	return false;
}

/* Marks the lines of a[ax..axe) deleted and b[by..bye) inserted that are
 * not in their longest common subsequence. */
static void compare(differ *d, long ax, long axe, long by, long bye) {
	while (ax < axe && by < bye && d->a[ax] == d->b[by]) ax++, by++;
	while (ax < axe && by < bye && d->a[axe - 1] == d->b[bye - 1]) axe--, bye--;
	if (ax == axe) {
		for (long j = by; j < bye; j++) d->ins[j] = true;
		return;
	}
	if (by == bye) {
		for (long i = ax; i < axe; i++) d->del[i] = true;
		return;
	}
	long sx, sy;
	if (!bisect(d, d->a + ax, axe - ax, d->b + by, bye - by, &sx, &sy)) {
		for (long i = ax; i < axe; i++) d->del[i] = true;
		for (long j = by; j < bye; j++) d->ins[j] = true;
		return;
	}
	compare(d, ax, ax + sx, by, by + sy);
	compare(d, ax + sx, axe, by + sy, bye);
}

/* ---- output ---------------------------------------------------------------------------- */

typedef struct {
	size_t a, an, b, bn; /* a change: an lines at a replaced by bn lines at b */
} change;

static change *collect_changes(const file_t *fa, const file_t *fb, size_t *count) {
	change *list = NULL;
	size_t n = 0, cap = 0, i = 0, j = 0;
	while (i < fa->n || j < fb->n) {
		if (i < fa->n && j < fb->n && !fa->changed[i] && !fb->changed[j]) {
			i++, j++;
			continue;
		}
		change c = { i, 0, j, 0 };
		while (i < fa->n && fa->changed[i]) i++;
		while (j < fb->n && fb->changed[j]) j++;
		/* Unmatched leftovers (cannot happen with a correct marking) are
		 * changes too, so the loop always advances. */
		if (i == c.a && j == c.b) {
			if (i < fa->n) i++;
			if (j < fb->n) j++;
		}
		c.an = i - c.a;
		c.bn = j - c.b;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = xrealloc(list, cap * sizeof *list);
		}
		list[n++] = c;
	}
	*count = n;
	return list;
}

static void print_line(const char *prefix, const line_t *l) {
	fputs(prefix, stdout);
	fwrite(l->text, 1, l->len, stdout);
	if (l->len == 0 || l->text[l->len - 1] != '\n') fputs("\n\\ No newline at end of file\n", stdout);
}

static void print_range(size_t start, size_t count) {
	/* Lines start..start+count-1 (1-based); an empty range names the line before. */
	if (count == 0) printf("%zu", start);
	else if (count == 1) printf("%zu", start + 1);
	else printf("%zu,%zu", start + 1, start + count);
}

static void print_normal(const file_t *fa, const file_t *fb, const change *c, size_t n) {
	for (size_t k = 0; k < n; k++) {
		const change *ch = &c[k];
		if (ch->an == 0) {
			printf("%zua", ch->a);
			print_range(ch->b, ch->bn);
		} else if (ch->bn == 0) {
			print_range(ch->a, ch->an);
			printf("d%zu", ch->b);
		} else {
			print_range(ch->a, ch->an);
			putchar('c');
			print_range(ch->b, ch->bn);
		}
		putchar('\n');
		for (size_t i = 0; i < ch->an; i++) print_line("< ", &fa->lines[ch->a + i]);
		if (ch->an && ch->bn) puts("---");
		for (size_t j = 0; j < ch->bn; j++) print_line("> ", &fb->lines[ch->b + j]);
	}
}

static void print_unified_range(size_t start, size_t count) {
	if (count == 1) printf("%zu", start + 1);
	else printf("%zu,%zu", count ? start + 1 : start, count);
}

static void print_header(const char *mark, const file_t *f) {
	if (f->label) {
		printf("%s %s\n", mark, f->label);
		return;
	}
	char when[64];
	struct tm tm;
	if (!gmtime_r(&f->mtime.tv_sec, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm)) snprintf(when, sizeof when, "?");
	printf("%s %s\t%s.%09ld +0000\n", mark, f->name, when, (long)f->mtime.tv_nsec);
}

static void print_unified(const file_t *fa, const file_t *fb, const change *c, size_t n, size_t context) {
	print_header("---", fa);
	print_header("+++", fb);
	for (size_t k = 0; k < n;) {
		/* A hunk: changes whose gaps are at most 2 x context lines. */
		size_t last = k;
		while (last + 1 < n && c[last + 1].a - (c[last].a + c[last].an) <= 2 * context) last++;
		size_t a0 = c[k].a > context ? c[k].a - context : 0;
		size_t b0 = c[k].b - (c[k].a - a0);
		size_t a_end = c[last].a + c[last].an + context;
		if (a_end > fa->n) a_end = fa->n;
		size_t b_end = c[last].b + c[last].bn + (a_end - (c[last].a + c[last].an));
		fputs("@@ -", stdout);
		print_unified_range(a0, a_end - a0);
		fputs(" +", stdout);
		print_unified_range(b0, b_end - b0);
		fputs(" @@\n", stdout);
		size_t i = a0;
		for (size_t q = k; q <= last; q++) {
			for (; i < c[q].a; i++) print_line(" ", &fa->lines[i]);
			for (size_t x = 0; x < c[q].an; x++) print_line("-", &fa->lines[c[q].a + x]);
			for (size_t y = 0; y < c[q].bn; y++) print_line("+", &fb->lines[c[q].b + y]);
			i = c[q].a + c[q].an;
		}
		for (; i < a_end; i++) print_line(" ", &fa->lines[i]);
		k = last + 1;
	}
}

static bool is_binary(const buf_t *b) {
	return memchr(b->data ? b->data : "", '\0', b->len) != NULL;
}

int diff_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "unified", optional_argument, NULL, 'U' }, { "brief", no_argument, NULL, 'q' },
		{ "label", required_argument, NULL, 'L' }, { "report-identical-files", no_argument, NULL, 's' },
		{ "text", no_argument, NULL, 'a' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool unified = false, brief = false, report_same = false, text = false;
	long context = 3;
	const char *labels[2] = { NULL, NULL };
	int nlabels = 0, opt;
	while ((opt = box_getopt(argc, argv, "uU:qL:sa", longopts)) != -1) {
		switch (opt) {
		case 'u': unified = true; break;
		case 'U':
			unified = true;
			if (optarg && (!parse_long(optarg, &context) || context < 0))
				return box_usage_fail(2, "invalid context length '%s'", optarg);
			break;
		case 'q': brief = true; break;
		case 's': report_same = true; break;
		case 'a': text = true; break;
		case 'L':
			if (nlabels < 2) labels[nlabels++] = optarg;
			break;
		case OPT_HELP:
			return box_help("Usage: diff [OPTION]... FILE1 FILE2\n"
			                "Compare files line by line ('-' is standard input).\n\n"
			                "  -u, -U NUM, --unified[=NUM]  output NUM (default 3) lines of unified context\n"
			                "  -q, --brief                  report only when files differ\n"
			                "  -s, --report-identical-files report when two files are the same\n"
			                "  -a, --text                   treat all files as text\n"
			                "  -L, --label LABEL            use LABEL instead of file name and timestamp\n\n"
			                "Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.\n");
		default: return box_usage_error(2);
		}
	}
	if (argc - optind != 2) {
		if (argc - optind < 2) box_err("missing operand after '%s'", argc > 1 ? argv[argc - 1] : "diff");
		else box_err("extra operand '%s'", argv[optind + 2]);
		return box_usage_error(2);
	}
	file_t fa = { .name = argv[optind], .label = labels[0] }, fb = { .name = argv[optind + 1], .label = labels[1] };
	int status = 2;
	for (int i = 0; i < 2; i++) {
		struct stat st;
		const char *name = i ? fb.name : fa.name;
		if (strcmp(name, "-") != 0 && stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
			box_err("%s: Is a directory (directory comparison is not supported)", name);
			goto done;
		}
	}
	if (!load(&fa) || !load(&fb)) goto done;
	bool same = fa.data.len == fb.data.len && (fa.data.len == 0 || memcmp(fa.data.data, fb.data.data, fa.data.len) == 0);
	if (same) {
		if (report_same) printf("Files %s and %s are identical\n", fa.name, fb.name);
		status = 0;
		goto done;
	}
	status = 1;
	if (brief || (!text && (is_binary(&fa.data) || is_binary(&fb.data)))) {
		printf(brief ? "Files %s and %s differ\n" : "Binary files %s and %s differ\n", fa.name, fb.name);
		goto done;
	}
	number_lines(&fa, &fb);
	size_t *ia = xmalloc((fa.n + 1) * sizeof *ia), *ib = xmalloc((fb.n + 1) * sizeof *ib);
	for (size_t i = 0; i < fa.n; i++) ia[i] = fa.lines[i].id;
	for (size_t j = 0; j < fb.n; j++) ib[j] = fb.lines[j].id;
	size_t vsize = 2 * (fa.n + fb.n) + 4;
	differ d = { ia, ib, fa.changed, fb.changed, xmalloc(vsize * sizeof(long)), xmalloc(vsize * sizeof(long)) };
	compare(&d, 0, (long)fa.n, 0, (long)fb.n);
	size_t nchanges;
	change *changes = collect_changes(&fa, &fb, &nchanges);
	if (unified) print_unified(&fa, &fb, changes, nchanges, (size_t)context);
	else print_normal(&fa, &fb, changes, nchanges);
	free(changes);
	free(d.v1);
	free(d.v2);
	free(ia);
	free(ib);
done:
	buf_free(&fa.data);
	buf_free(&fb.data);
	free(fa.lines);
	free(fb.lines);
	free(fa.changed);
	free(fb.changed);
	return status;
}
