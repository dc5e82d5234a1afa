/*
 * sort and uniq.
 *
 * sort reads every input into one buffer, cuts it into an array of line
 * records and qsorts that array, so a million lines cost one allocation for
 * the text and one for the records. A numeric first key is parsed once per
 * line instead of once per comparison.
 */
#include "box.h"

#include <ctype.h>
#include <limits.h>

struct sort_key {
	int start_field, start_char; /* 1-based; char 0 = start of the field */
	int end_field, end_char;     /* end_field 0 = to the end of the line; end_char 0 = end of field */
	bool numeric, human, reverse, fold, blanks;
};

struct line {
	const char *text;
	size_t len;
	size_t index; /* input order, for stability */
	double number; /* first key's value when it is numeric */
};

static struct {
	struct sort_key *keys;
	int nkeys;
	int tab; /* field separator, or -1 for blank-separated fields */
	bool unique, stable, reverse_all;
} so;

static bool is_blank(int c) { return c == ' ' || c == '\t'; }

static const char *skip_blanks(const char *p, const char *lim)
{
	while (p < lim && is_blank(*p))
		p++;
	return p;
}

/* End of the blank-separated field at p: its leading blanks (GNU sort and
 * uniq count them as part of the field), then the non-blanks. */
static const char *blank_field_end(const char *p, const char *lim)
{
	p = skip_blanks(p, lim);
	while (p < lim && !is_blank(*p))
		p++;
	return p;
}

/* End of sort's field at p: the next -t separator, or the blank-separated field's. */
static const char *field_end(const char *p, const char *lim)
{
	if (so.tab < 0)
		return blank_field_end(p, lim);
	while (p < lim && *p != so.tab)
		p++;
	return p;
}

/* Start of field `field` (1-based) of the line at p. */
static const char *field_start(const char *p, const char *lim, int field)
{
	for (int f = field - 1; p < lim && f > 0; f--) {
		p = field_end(p, lim);
		if (so.tab >= 0 && p < lim)
			p++; /* past the separator */
	}
	return p;
}

/* Start of field `field` (1-based) plus `chr` characters, as GNU sort. */
static const char *key_begin(const char *p, const char *lim, const struct sort_key *k)
{
	p = field_start(p, lim, k->start_field);
	if (k->blanks)
		p = skip_blanks(p, lim);
	if (k->start_char > 1)
		p = (size_t)(lim - p) > (size_t)(k->start_char - 1) ? p + k->start_char - 1 : lim;
	return p;
}

static const char *key_end(const char *line, const char *lim, const struct sort_key *k)
{
	if (k->end_field == 0)
		return lim;
	const char *p = field_start(line, lim, k->end_field);
	if (k->end_char == 0)
		return field_end(p, lim);
	if (k->blanks)
		p = skip_blanks(p, lim);
	return (size_t)(lim - p) > (size_t)k->end_char ? p + k->end_char : lim;
}

/* GNU -n: blanks, optional '-', digits, optional fraction; anything else is 0.
 * -h also takes one K/M/G/T/P/E suffix. */
static double parse_number(const char *p, const char *lim, bool human)
{
	p = skip_blanks(p, lim);
	bool negative = p < lim && *p == '-';
	if (negative)
		p++;
	double v = 0;
	bool digits = false;
	for (; p < lim && isdigit((unsigned char)*p); p++, digits = true)
		v = v * 10 + (*p - '0');
	if (p < lim && *p == '.') {
		double scale = 0.1;
		for (p++; p < lim && isdigit((unsigned char)*p); p++, scale /= 10, digits = true)
			v += (*p - '0') * scale;
	}
	if (!digits)
		return 0;
	if (human && p < lim) {
		const char *units = "KMGTPE";
		const char *u = strchr(units, toupper((unsigned char)*p));
		if (*p && u)
			for (const char *q = units; q <= u; q++)
				v *= 1024;
	}
	return negative ? -v : v;
}

static int compare_text(const char *a, size_t alen, const char *b, size_t blen, bool fold)
{
	size_t n = alen < blen ? alen : blen;
	if (fold) {
		for (size_t i = 0; i < n; i++) {
			int d = toupper((unsigned char)a[i]) - toupper((unsigned char)b[i]);
			if (d)
				return d;
		}
	} else {
		int r = memcmp(a, b, n);
		if (r)
			return r;
	}
	return alen < blen ? -1 : alen > blen;
}

static int compare_key(const struct line *a, const struct line *b, const struct sort_key *k, bool first)
{
	const char *alim = a->text + a->len, *blim = b->text + b->len;
	int r;
	if (k->numeric || k->human) {
		double x, y;
		if (first) {
			x = a->number;
			y = b->number;
		} else {
			x = parse_number(key_begin(a->text, alim, k), key_end(a->text, alim, k), k->human);
			y = parse_number(key_begin(b->text, blim, k), key_end(b->text, blim, k), k->human);
		}
		r = x < y ? -1 : x > y;
	} else {
		const char *as = key_begin(a->text, alim, k), *ae = key_end(a->text, alim, k);
		const char *bs = key_begin(b->text, blim, k), *be = key_end(b->text, blim, k);
		r = compare_text(as, ae > as ? (size_t)(ae - as) : 0, bs, be > bs ? (size_t)(be - bs) : 0, k->fold);
	}
	return k->reverse ? -r : r;
}

static int compare_lines(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;
	for (int i = 0; i < so.nkeys; i++) {
		int r = compare_key(a, b, &so.keys[i], i == 0);
		if (r)
			return r;
	}
	if (!so.unique && !so.stable) {
		/* last resort, as GNU sort: the whole lines, bytewise */
		int r = compare_text(a->text, a->len, b->text, b->len, false);
		if (r)
			return so.reverse_all ? -r : r;
	}
	return a->index < b->index ? -1 : a->index > b->index;
}

/* "-k 2", "-k 2,3", "-k 1.2,1.4n", "-k3nr" */
static bool parse_key(const char *s, struct sort_key *k, const struct sort_key *global)
{
	*k = *global;
	k->start_char = 0;
	k->end_field = 0;
	k->end_char = 0;
	bool own_flags = false;
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || v < 1 || v > INT_MAX)
		return false;
	k->start_field = (int)v;
	if (*end == '.') {
		s = end + 1;
		v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > INT_MAX)
			return false;
		k->start_char = (int)v;
	}
	for (;;) {
		for (; *end && strchr("bfhnr", *end); end++) {
			if (!own_flags) {
				/* a key with its own flags ignores the global ones */
				k->numeric = k->human = k->reverse = k->fold = k->blanks = false;
				own_flags = true;
			}
			switch (*end) {
			case 'b': k->blanks = true; break;
			case 'f': k->fold = true; break;
			case 'h': k->human = true; break;
			case 'n': k->numeric = true; break;
			case 'r': k->reverse = true; break;
			}
		}
		if (*end != ',' || k->end_field)
			break;
		s = end + 1;
		v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > INT_MAX)
			return false;
		k->end_field = (int)v;
		if (*end == '.') {
			s = end + 1;
			v = strtol(s, &end, 10);
			if (end == s || v < 0 || v > INT_MAX)
				return false;
			k->end_char = (int)v;
		}
	}
	return *end == '\0';
}

static const char sort_usage[] =
	"Usage: sort [-bfhnrsu] [-k KEY]... [-t SEP] [-o FILE] [FILE]...\n"
	"Write the sorted lines of all FILEs (standard input for none or '-').\n\n"
	"  -n        compare by numeric value\n"
	"  -h        compare human-readable numbers (2K, 1G)\n"
	"  -r        reverse the result of comparisons\n"
	"  -u        output only the first of lines that compare equal\n"
	"  -f        fold lower case to upper case\n"
	"  -b        ignore leading blanks in keys\n"
	"  -s        stable: no last-resort comparison of whole lines\n"
	"  -k KEY    sort by KEY: F[.C][,F[.C]][OPTS], fields F from 1, e.g. -k2,2n\n"
	"  -t SEP    use SEP instead of blank-to-nonblank transitions between fields\n"
	"  -o FILE   write the result to FILE (may be one of the inputs)\n";

/* Splits b into line records; the newlines become NULs. */
static struct line *split_lines(buf_t *b, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			n++;
	if (b->len > 0 && b->data[b->len - 1] != '\n')
		n++; /* a last line without its newline */
	struct line *lines = xmalloc((n ? n : 1) * sizeof *lines);
	size_t start = 0, k = 0;
	for (size_t i = 0; i <= b->len && k < n; i++) {
		if (i == b->len || b->data[i] == '\n') {
			lines[k].text = b->data + start;
			lines[k].len = i - start;
			lines[k].index = k;
			if (i < b->len)
				b->data[i] = '\0';
			k++;
			start = i + 1;
		}
	}
	*count = n;
	return lines;
}

int sort_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "numeric-sort", no_argument, NULL, 'n' },
		{ "human-numeric-sort", no_argument, NULL, 'h' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "unique", no_argument, NULL, 'u' },
		{ "ignore-case", no_argument, NULL, 'f' },
		{ "ignore-leading-blanks", no_argument, NULL, 'b' },
		{ "stable", no_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "field-separator", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct sort_key global = { 1, 0, 0, 0, false, false, false, false, false };
	memset(&so, 0, sizeof so);
	so.tab = -1;
	const char **keyspecs = xcalloc((size_t)argc, sizeof *keyspecs);
	int nspecs = 0;
	const char *output = NULL;
	int c;
	while ((c = box_getopt(argc, argv, "nhrufbsk:t:o:", longopts)) != -1) {
		switch (c) {
		case 'n': global.numeric = true; break;
		case 'h': global.human = true; break;
		case 'r': global.reverse = true; break;
		case 'u': so.unique = true; break;
		case 'f': global.fold = true; break;
		case 'b': global.blanks = true; break;
		case 's': so.stable = true; break;
		case 'k': keyspecs[nspecs++] = optarg; break;
		case 'o': output = optarg; break;
		case 't':
			if (strlen(optarg) != 1) {
				box_err(optarg[0] ? "multi-character tab '%s'" : "empty tab%s", optarg);
				free(keyspecs);
				return 2;
			}
			so.tab = (unsigned char)optarg[0];
			break;
		case OPT_HELP: free(keyspecs); return box_help(sort_usage);
		default: free(keyspecs); return box_usage_error(2);
		}
	}
	/* Keys come after all options so global flags apply to every key. */
	so.nkeys = nspecs ? nspecs : 1;
	so.keys = xcalloc((size_t)so.nkeys, sizeof *so.keys);
	so.reverse_all = global.reverse;
	if (nspecs == 0)
		so.keys[0] = global;
	for (int i = 0; i < nspecs; i++) {
		if (!parse_key(keyspecs[i], &so.keys[i], &global)) {
			box_err("invalid key specification '%s'", keyspecs[i]);
			free(keyspecs);
			free(so.keys);
			return 2;
		}
	}
	free(keyspecs);

	buf_t text = { 0 };
	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? argv + optind : stdin_only;
	int status = 0;
	for (; *files; files++) {
		FILE *in = strcmp(*files, "-") == 0 ? stdin : fopen(*files, "r");
		if (!in) {
			box_perr("cannot read: %s", *files);
			status = 2;
			continue;
		}
		/* Each file's last line ends with a newline, even if the file's does not. */
		if (buf_read_all(&text, in) != 0) {
			box_perr("read failed: %s", *files);
			status = 2;
		}
		if (text.len > 0 && text.data[text.len - 1] != '\n')
			buf_putc(&text, '\n');
		box_fclose_in(in);
	}
	if (status) {
		buf_free(&text);
		free(so.keys);
		return status;
	}
	size_t n;
	struct line *lines = split_lines(&text, &n);
	const struct sort_key *k0 = &so.keys[0];
	if (k0->numeric || k0->human)
		for (size_t i = 0; i < n; i++) {
			const char *lim = lines[i].text + lines[i].len;
			lines[i].number = parse_number(key_begin(lines[i].text, lim, k0), key_end(lines[i].text, lim, k0), k0->human);
		}
	qsort(lines, n, sizeof *lines, compare_lines);

	FILE *out = stdout;
	if (output && !(out = fopen(output, "w"))) {
		box_perr("open failed: %s", output);
		status = 2;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (so.unique && i > 0) {
				/* equal to the previous output line by the keys: a duplicate */
				bool saved = so.stable;
				so.stable = true;
				struct line a = lines[i - 1], b = lines[i];
				a.index = b.index = 0;
				int same = compare_lines(&a, &b) == 0;
				so.stable = saved;
				if (same)
					continue;
			}
			fwrite(lines[i].text, 1, lines[i].len, out);
			putc('\n', out);
		}
		if ((out != stdout ? fclose(out) : fflush(out)) != 0) {
			box_perr("write failed");
			status = 2;
		}
	}
	free(lines);
	buf_free(&text);
	free(so.keys);
	return status;
}

/* ---- uniq -------------------------------------------------------------- */

static const char uniq_usage[] =
	"Usage: uniq [-cdiu] [-f N] [-s N] [INPUT [OUTPUT]]\n"
	"Filter adjacent matching lines from INPUT (or standard input),\n"
	"writing to OUTPUT (or standard output).\n\n"
	"  -c    prefix lines by the number of occurrences\n"
	"  -d    only print duplicate lines, one for each group\n"
	"  -u    only print unique lines\n"
	"  -i    ignore differences in case when comparing\n"
	"  -f N  avoid comparing the first N fields\n"
	"  -s N  avoid comparing the first N characters\n";

struct uniq_opts {
	bool count, dups_only, uniques_only, fold;
	long skip_fields, skip_chars;
};

/* The part of a line uniq compares, after -f and -s. */
static const char *compared_part(const char *s, size_t len, const struct uniq_opts *o, size_t *out_len)
{
	const char *p = s, *lim = s + len;
	for (long f = 0; f < o->skip_fields && p < lim; f++)
		p = blank_field_end(p, lim);
	for (long c = 0; c < o->skip_chars && p < lim; c++)
		p++;
	*out_len = (size_t)(lim - p);
	return p;
}

static bool same_line(const buf_t *a, const char *b, size_t blen, const struct uniq_opts *o)
{
	size_t al, bl;
	const char *ap = compared_part(a->data, a->len, o, &al);
	const char *bp = compared_part(b, blen, o, &bl);
	return al == bl && compare_text(ap, al, bp, bl, o->fold) == 0;
}

static void emit_group(FILE *out, const buf_t *line, unsigned long count, const struct uniq_opts *o)
{
	if ((o->dups_only && count < 2) || (o->uniques_only && count > 1))
		return;
	if (o->count)
		fprintf(out, "%7lu ", count);
	fwrite(line->data, 1, line->len, out);
	putc('\n', out);
}

int uniq_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "repeated", no_argument, NULL, 'd' },
		{ "unique", no_argument, NULL, 'u' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "skip-fields", required_argument, NULL, 'f' },
		{ "skip-chars", required_argument, NULL, 's' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct uniq_opts o = { 0 };
	int c;
	while ((c = box_getopt(argc, argv, "cduif:s:", longopts)) != -1) {
		switch (c) {
		case 'c': o.count = true; break;
		case 'd': o.dups_only = true; break;
		case 'u': o.uniques_only = true; break;
		case 'i': o.fold = true; break;
		case 'f': case 's': {
			long v;
			if (!parse_long(optarg, &v) || v < 0) {
				box_err("%s: invalid number of %s to skip", optarg, c == 'f' ? "fields" : "bytes");
				return 1;
			}
			if (c == 'f')
				o.skip_fields = v;
			else
				o.skip_chars = v;
			break;
		}
		case OPT_HELP: return box_help(uniq_usage);
		default: return box_usage_error(1);
		}
	}
	if (argc - optind > 2)
		return box_usage_fail(1, "extra operand '%s'", argv[optind + 2]);
	FILE *in = optind < argc ? box_fopen_in(argv[optind]) : stdin;
	if (!in)
		return 1;
	FILE *out = stdout;
	if (argc - optind == 2 && !(out = fopen(argv[optind + 1], "w"))) {
		box_perr("%s", argv[optind + 1]);
		box_fclose_in(in);
		return 1;
	}
	buf_t prev = { 0 };
	bool have_prev = false;
	unsigned long count = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (have_prev && same_line(&prev, line, (size_t)len, &o)) {
			count++;
			continue;
		}
		if (have_prev)
			emit_group(out, &prev, count, &o);
		prev.len = 0;
		buf_append(&prev, line, (size_t)len);
		have_prev = true;
		count = 1;
	}
	if (have_prev)
		emit_group(out, &prev, count, &o);
	int status = ferror(in) ? 1 : 0;
	if (status)
		box_perr("read error");
	free(line);
	buf_free(&prev);
	box_fclose_in(in);
	if ((out != stdout ? fclose(out) : fflush(out)) != 0) {
		box_perr("write error");
		status = 1;
	}
	return status;
}
