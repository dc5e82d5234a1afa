/* cut: print selected bytes, characters or fields of each line. */
#include "box.h"

#include <limits.h>

static const char cut_usage[] =
	"Usage: cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--output-delimiter=S] [FILE]...\n"
	"Print selected parts of lines from each FILE to standard output.\n\n"
	"  -b LIST  select only these bytes\n"
	"  -c LIST  select only these characters\n"
	"  -f LIST  select only these fields (separated by TAB, or by -d)\n"
	"  -d DELIM use DELIM instead of TAB as the field delimiter\n"
	"  -s       do not print lines without delimiters (with -f)\n"
	"  --output-delimiter=S  join selected fields with S\n"
	"LIST is N, N-M, N- or -M, joined by commas; positions count from 1.\n";

struct range {
	long lo, hi; /* inclusive, 1-based */
};

static int compare_ranges(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Parses LIST into sorted, merged ranges; false on a bad list. */
static bool parse_list(const char *list, struct range **out, size_t *count)
{
	size_t n = 0, cap = 8;
	struct range *r = xmalloc(cap * sizeof *r);
	const char *p = list;
	while (*p) {
		long lo = 1, hi = LONG_MAX;
		char *end;
		if (*p != '-') {
			lo = strtol(p, &end, 10);
			if (end == p || lo < 1)
				goto bad;
			p = end;
			hi = lo;
		}
		if (*p == '-') {
			p++;
			hi = LONG_MAX;
			if (*p >= '0' && *p <= '9') {
				hi = strtol(p, &end, 10);
				p = end;
				if (hi < lo)
					goto bad;
			} else if (lo == 1 && p[-2] != '1' && (p == list + 1)) {
				goto bad; /* a lone "-" */
			}
		}
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
		if (n == cap)
			r = xrealloc(r, (cap *= 2) * sizeof *r);
		r[n].lo = lo;
		r[n].hi = hi;
		n++;
	}
	if (n == 0)
		goto bad;
	qsort(r, n, sizeof *r, compare_ranges);
	size_t m = 0;
	for (size_t i = 1; i < n; i++) {
		if (r[i].lo <= r[m].hi + 1 || r[m].hi == LONG_MAX) {
			if (r[i].hi > r[m].hi)
				r[m].hi = r[i].hi;
		} else {
			r[++m] = r[i];
		}
	}
	*out = r;
	*count = m + 1;
	return true;
bad:
	free(r);
	return false;
}

static bool selected(const struct range *r, size_t n, long pos)
{
	for (size_t i = 0; i < n; i++)
		if (pos >= r[i].lo && pos <= r[i].hi)
			return true;
	return false;
}

struct cut_opts {
	struct range *ranges;
	size_t nranges;
	bool fields, only_delimited;
	char delim;
	const char *out_delim;
};

static void cut_line(const char *s, size_t len, const struct cut_opts *o)
{
	if (!o->fields) {
		for (size_t i = 0; i < len; i++)
			if (selected(o->ranges, o->nranges, (long)i + 1))
				putchar(s[i]);
		putchar('\n');
		return;
	}
	if (!memchr(s, o->delim, len)) {
		if (!o->only_delimited) {
			fwrite(s, 1, len, stdout);
			putchar('\n');
		}
		return;
	}
	long field = 1;
	bool printed = false;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != o->delim)
			continue;
		if (selected(o->ranges, o->nranges, field)) {
			if (printed)
				fputs(o->out_delim, stdout);
			fwrite(s + start, 1, i - start, stdout);
			printed = true;
		}
		field++;
		start = i + 1;
	}
	putchar('\n');
}

enum { OPT_OUTPUT_DELIM = OPT_HELP + 1 };

int cut_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "characters", required_argument, NULL, 'c' },
		{ "fields", required_argument, NULL, 'f' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "only-delimited", no_argument, NULL, 's' },
		{ "output-delimiter", required_argument, NULL, OPT_OUTPUT_DELIM },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct cut_opts o = { .delim = '\t' };
	const char *list = NULL, *out_delim = NULL;
	int modes = 0;
	bool delim_given = false;
	int c;
	while ((c = box_getopt(argc, argv, "b:c:f:d:sn", longopts)) != -1) {
		switch (c) {
		case 'b': case 'c': case 'f':
			list = optarg;
			o.fields = c == 'f';
			modes++;
			break;
		case 'd':
			if (strlen(optarg) > 1)
				return box_usage_fail(1, "the delimiter must be a single character");
			o.delim = optarg[0];
			delim_given = true;
			break;
		case 's': o.only_delimited = true; break;
		case 'n': break;
		case OPT_OUTPUT_DELIM: out_delim = optarg; break;
		case OPT_HELP: return box_help(cut_usage);
		default: return box_usage_error(1);
		}
	}
	if (modes == 0)
		return box_usage_fail(1, "you must specify a list of bytes, characters, or fields");
	if (modes > 1)
		return box_usage_fail(1, "only one type of list may be specified");
	if (!o.fields && (delim_given || o.only_delimited)) {
		box_err(delim_given ? "an input delimiter may be specified only when operating on fields"
			: "suppressing non-delimited lines makes sense\n\tonly when operating on fields");
		return box_usage_error(1);
	}
	if (!parse_list(list, &o.ranges, &o.nranges))
		return box_usage_fail(1, "invalid field range '%s'", list);
	char delim_text[2] = { o.delim, '\0' };
	o.out_delim = out_delim ? out_delim : delim_text;
	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? argv + optind : stdin_only;
	int status = 0;
	char *line = NULL;
	size_t cap = 0;
	for (; *files; files++) {
		FILE *in = box_fopen_in(*files);
		if (!in) {
			status = 1;
			continue;
		}
		ssize_t len;
		while ((len = getline(&line, &cap, in)) >= 0) {
			if (len > 0 && line[len - 1] == '\n')
				len--;
			cut_line(line, (size_t)len, &o);
		}
		box_fclose_in(in);
	}
	free(line);
	free(o.ranges);
	return fflush(stdout) ? 1 : status;
}
