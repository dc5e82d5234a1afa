/* tr: translate, squeeze and delete characters. */
#include "box.h"

#include <ctype.h>

static const char tr_usage[] =
	"Usage: tr [-cds] SET1 [SET2]\n"
	"Translate, squeeze and/or delete characters from standard input.\n\n"
	"  -c, -C  use the complement of SET1\n"
	"  -d      delete characters in SET1\n"
	"  -s      squeeze repeats of a character of the last SET into one\n\n"
	"SETs: characters, ranges a-z, escapes \\n \\t \\\\ \\NNN, classes [:alpha:]\n"
	"[:digit:] [:lower:] [:upper:] [:space:] [:blank:] [:punct:] [:alnum:]\n"
	"[:cntrl:] [:print:] [:graph:] [:xdigit:], [c*N] (N copies of c), [c*] (fill).\n";

/* An expanded set: up to a few thousand characters, in order. */
struct set {
	unsigned char chars[4096];
	int len;
	int fill_at; /* position of a [c*] to stretch to SET1's length, or -1 */
	unsigned char fill_char;
};

/* Reads one possibly escaped character at *p. */
static unsigned char set_char(const char **p)
{
	const char *s = *p;
	if (*s != '\\' || !s[1]) {
		*p = s + 1;
		return (unsigned char)*s;
	}
	s++;
	unsigned char c;
	switch (*s) {
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case 'r': c = '\r'; break;
	case 'a': c = '\a'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'v': c = '\v'; break;
	default:
		if (*s >= '0' && *s <= '7') {
			int v = 0;
			for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++, s++)
				v = v * 8 + (*s - '0');
			*p = s;
			return (unsigned char)v;
		}
		c = (unsigned char)*s;
		break;
	}
	*p = s + 1;
	return c;
}

static bool add(struct set *set, unsigned char c)
{
	if (set->len >= (int)sizeof set->chars)
		return false;
	set->chars[set->len++] = c;
	return true;
}

static int (*const class_fns[])(int) = {
	isalnum, isalpha, isblank, iscntrl, isdigit, isgraph, islower, isprint, ispunct, isspace, isupper, isxdigit,
};
static const char *const class_names[] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit",
};

/* Expands SET text into `set`; prints an error and returns false if invalid. */
static bool expand_set(const char *text, struct set *set)
{
	set->len = 0;
	set->fill_at = -1;
	const char *p = text;
	while (*p) {
		if (p[0] == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");
			size_t n = end ? (size_t)(end - p - 2) : 0;
			int k = -1;
			for (int i = 0; end && i < (int)(sizeof class_names / sizeof *class_names); i++)
				if (strlen(class_names[i]) == n && strncmp(p + 2, class_names[i], n) == 0)
					k = i;
			if (end && k < 0) {
				box_err("invalid character class '%.*s'", (int)n, p + 2);
				return false;
			}
			if (k >= 0) {
				for (int ch = 0; ch < 256; ch++)
					if (class_fns[k](ch) && !add(set, (unsigned char)ch))
						return false;
				p = end + 2;
				continue;
			}
		}
		if (p[0] == '[' && p[1] == '=' && p[2] && p[3] == '=' && p[4] == ']') {
			add(set, (unsigned char)p[2]);
			p += 5;
			continue;
		}
		if (p[0] == '[' && p[1] && p[2] == '*') {
			/* [c*N] or [c*] */
			const char *q = p + 1;
			unsigned char c = set_char(&q);
			if (*q == '*') {
				char *end;
				long n = strtol(q + 1, &end, 8 + 2 * (q[1] != '0')); /* N is octal when it starts with 0 */
				if (*end == ']') {
					if (end == q + 1) {
						set->fill_at = set->len;
						set->fill_char = c;
					} else {
						for (long i = 0; i < n; i++)
							if (!add(set, c))
								return false;
					}
					p = end + 1;
					continue;
				}
			}
		}
		unsigned char c = set_char(&p);
		if (p[0] == '-' && p[1]) {
			const char *q = p + 1;
			unsigned char hi = set_char(&q);
			if (hi < c) {
				box_err("range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi);
				return false;
			}
			for (int ch = c; ch <= hi; ch++)
				if (!add(set, (unsigned char)ch))
					return false;
			p = q;
			continue;
		}
		if (!add(set, c))
			return false;
	}
	return true;
}

int tr_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "complement", no_argument, NULL, 'c' },
		{ "delete", no_argument, NULL, 'd' },
		{ "squeeze-repeats", no_argument, NULL, 's' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool complement = false, del = false, squeeze = false;
	int c;
	while ((c = box_getopt(argc, argv, "cCds", longopts)) != -1) {
		switch (c) {
		case 'c': case 'C': complement = true; break;
		case 'd': del = true; break;
		case 's': squeeze = true; break;
		case OPT_HELP: return box_help(tr_usage);
		default: return box_usage_error(1);
		}
	}
	int nsets = argc - optind;
	bool translating = !del && nsets >= 2;
	if (nsets < 1)
		return box_usage_fail(1, "missing operand");
	if (!del && !squeeze && nsets < 2) {
		box_err("missing operand after '%s'", argv[optind]);
		fputs("Two strings must be given when translating.\n", stderr);
		return box_usage_error(1);
	}
	if (nsets > 2 || (del && !squeeze && nsets > 1))
		return box_usage_fail(1, "extra operand '%s'", argv[optind + (nsets > 2 ? 2 : 1)]);
	static struct set s1, s2; /* static: 8 KiB is much for a wasm stack */
	if (!expand_set(argv[optind], &s1) || (nsets > 1 && !expand_set(argv[optind + 1], &s2)))
		return 1;
	bool in1[256] = { false }, in2[256] = { false };
	for (int i = 0; i < s1.len; i++)
		in1[s1.chars[i]] = true;
	if (complement) {
		/* SET1 becomes every byte not in it, in ascending order */
		s1.len = 0;
		for (int ch = 0; ch < 256; ch++)
			if (!in1[ch])
				s1.chars[s1.len++] = (unsigned char)ch;
		for (int ch = 0; ch < 256; ch++)
			in1[ch] = !in1[ch];
	}
	unsigned char map[256];
	for (int ch = 0; ch < 256; ch++)
		map[ch] = (unsigned char)ch;
	if (translating) {
		if (s2.fill_at >= 0) {
			/* [c*] stretches SET2 to SET1's length */
			int extra = s1.len - s2.len;
			if (extra > 0) {
				memmove(s2.chars + s2.fill_at + extra, s2.chars + s2.fill_at, (size_t)(s2.len - s2.fill_at));
				memset(s2.chars + s2.fill_at, s2.fill_char, (size_t)extra);
				s2.len += extra;
			}
		}
		if (s2.len == 0) {
			box_err("when not truncating set1, string2 must be non-empty");
			return 1;
		}
		for (int i = 0; i < s1.len; i++)
			map[s1.chars[i]] = s2.chars[i < s2.len ? i : s2.len - 1];
	}
	/* -s squeezes the characters of the last set given */
	if (nsets > 1)
		for (int i = 0; i < s2.len; i++)
			in2[s2.chars[i]] = true;
	const bool *squeeze_set = nsets > 1 ? in2 : in1;

	static unsigned char block[65536], out[65536];
	int last = -1;
	size_t n;
	while ((n = fread(block, 1, sizeof block, stdin)) > 0) {
		size_t o = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = block[i];
			if (del && in1[ch])
				continue;
			ch = map[ch];
			if (squeeze && squeeze_set[ch] && last == ch)
				continue;
			out[o++] = ch;
			last = ch;
		}
		fwrite(out, 1, o, stdout);
	}
	return fflush(stdout) ? 1 : 0;
}
