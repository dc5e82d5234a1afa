/*
 * dump.c: od and hexdump, the byte viewers.
 *
 * Both read their input in lines of 16 bytes and, unless -v, replace runs
 * of identical lines by a single "*", as the GNU/util-linux tools do.
 */
#include "sysutil.h"

#include <ctype.h>

#define LINE 16

/* Reads the concatenation of `files` (stdin when none) 16 bytes at a time. */
typedef struct {
	char **files;
	int nfiles, next;
	FILE *current;
	int status;
} input;

static size_t input_read(input *in, unsigned char *buf, size_t want) {
	size_t got = 0;
	while (got < want) {
		if (!in->current) {
			if (in->next >= in->nfiles) break;
			in->current = box_fopen_in(in->files[in->next++]);
			if (!in->current) {
				in->status = 1;
				continue;
			}
		}
		size_t n = fread(buf + got, 1, want - got, in->current);
		got += n;
		if (n == 0) {
			if (ferror(in->current)) {
				box_perr("read error");
				in->status = 1;
			}
			box_fclose_in(in->current);
			in->current = NULL;
		}
	}
	return got;
}

static void input_init(input *in, int argc, char **argv) {
	static char *dash[] = { "-" };
	memset(in, 0, sizeof *in);
	in->files = argc > 0 ? argv : dash;
	in->nfiles = argc > 0 ? argc : 1;
}

/* Prints one line of up to LINE bytes at `offset`, in a viewer's format. */
typedef void (*dump_line_fn)(const unsigned char *buf, size_t n, unsigned long long offset, const void *ctx);

/*
 * Reads all the input in lines of LINE bytes and prints each with `print`,
 * except that unless `all` (-v) a run of full lines equal to the one before
 * is shown as a single "*". Returns the number of bytes read.
 */
static unsigned long long dump_lines(input *in, bool all, dump_line_fn print, const void *ctx) {
	unsigned char buf[LINE], prev[LINE];
	unsigned long long offset = 0;
	bool have_prev = false, starred = false;
	size_t n;
	while ((n = input_read(in, buf, LINE)) > 0) {
		if (!all && have_prev && n == LINE && memcmp(buf, prev, LINE) == 0) {
			if (!starred) puts("*");
			starred = true;
		} else {
			starred = false;
			print(buf, n, offset, ctx);
		}
		memcpy(prev, buf, n);
		have_prev = n == LINE;
		offset += n;
	}
	return offset;
}

/* ---- od -------------------------------------------------------------------- */

typedef struct {
	char kind;    /* 'o' octal, 'x' hex, 'd' signed, 'u' unsigned, 'c' chars */
	int size;     /* bytes per element */
} od_type;

static bool od_parse_type(const char *s, od_type *types, int *ntypes) {
	while (*s) {
		if (*ntypes >= 8) return false;
		od_type t = { *s++, 1 };
		if (!strchr("oxduc", t.kind)) return false;
		if (t.kind != 'c') {
			t.size = 4;
			if (isdigit((unsigned char)*s)) t.size = *s++ - '0';
			else if (*s == 'C') t.size = 1, s++;
			else if (*s == 'S') t.size = 2, s++;
			else if (*s == 'I' || *s == 'L') t.size = 4, s++;
			if (t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8) return false;
		}
		types[(*ntypes)++] = t;
	}
	return true;
}

/* Characters as od -c shows them: 4 columns each. */
static void od_char(unsigned char c) {
	static const char escapes[] = "\0\a\b\f\n\r\t\v";
	static const char letters[] = "0abfnrtv";
	const char *e = c ? strchr(escapes + 1, c) : escapes;
	if (e && (c || e == escapes)) printf("  \\%c", letters[e - escapes]);
	else if (isprint(c)) printf("   %c", c);
	else printf(" %03o", c);
}

/* Width of one element when printed: digits of the largest value. */
static int od_width(od_type t) {
	static const int octal[] = { 0, 3, 6, 0, 11, 0, 0, 0, 22 };
	static const int hex[] = { 0, 2, 4, 0, 8, 0, 0, 0, 16 };
	static const int dec[] = { 0, 4, 6, 0, 11, 0, 0, 0, 20 };
	static const int udec[] = { 0, 3, 5, 0, 10, 0, 0, 0, 20 };
	switch (t.kind) {
	case 'o': return octal[t.size];
	case 'x': return hex[t.size];
	case 'd': return dec[t.size];
	case 'u': return udec[t.size];
	default: return 3;
	}
}

static void od_line(const unsigned char *buf, size_t n, od_type t) {
	if (t.kind == 'c') {
		for (size_t i = 0; i < n; i++) od_char(buf[i]);
		putchar('\n');
		return;
	}
	int width = od_width(t);
	for (size_t i = 0; i < n; i += (size_t)t.size) {
		/* Little-endian elements, zero-padded past the end of input. */
		unsigned long long v = 0;
		for (int b = t.size - 1; b >= 0; b--) v = (v << 8) | (i + (size_t)b < n ? buf[i + (size_t)b] : 0);
		switch (t.kind) {
		case 'o': printf(" %0*llo", width, v); break;
		case 'x': printf(" %0*llx", width, v); break;
		case 'u': printf(" %*llu", width, v); break;
		case 'd': {
			int bits = t.size * 8;
			long long s = bits < 64 && (v >> (bits - 1)) ? (long long)(v - (1ULL << bits)) : (long long)v;
			printf(" %*lld", width, s);
			break;
		}
		}
	}
	putchar('\n');
}

static void od_offset(char radix, unsigned long long offset) {
	switch (radix) {
	case 'o': printf("%07llo", offset); break;
	case 'd': printf("%07llu", offset); break;
	case 'x': printf("%06llx", offset); break;
	default: break;
	}
}

/* What od prints for each line: the offset, then one row per -t type. */
typedef struct {
	char radix;
	const od_type *types;
	int ntypes;
} od_format;

static void od_print(const unsigned char *buf, size_t n, unsigned long long offset, const void *ctx) {
	const od_format *f = ctx;
	for (int t = 0; t < f->ntypes; t++) {
		if (t == 0) od_offset(f->radix, offset);
		else if (f->radix != 'n') printf("%*s", f->radix == 'x' ? 6 : 7, "");
		od_line(buf, n, f->types[t]);
	}
}

int od_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "address-radix", required_argument, NULL, 'A' }, { "format", required_argument, NULL, 't' },
		{ "output-duplicates", no_argument, NULL, 'v' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	od_type types[8];
	int ntypes = 0;
	char radix = 'o';
	bool all = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "A:t:bcdoxv", longopts)) != -1) {
		switch (opt) {
		case 'A':
			if (strlen(optarg) != 1 || !strchr("odxn", optarg[0])) {
				box_err("invalid output address radix '%s'; it must be one character from [doxn]", optarg);
				return 1;
			}
			radix = optarg[0];
			break;
		case 't':
			if (!od_parse_type(optarg, types, &ntypes))
				return box_usage_fail(1, "invalid type string '%s'", optarg);
			break;
		case 'b': if (ntypes < 8) types[ntypes++] = (od_type){ 'o', 1 }; break;
		case 'c': if (ntypes < 8) types[ntypes++] = (od_type){ 'c', 1 }; break;
		case 'd': if (ntypes < 8) types[ntypes++] = (od_type){ 'u', 2 }; break;
		case 'o': if (ntypes < 8) types[ntypes++] = (od_type){ 'o', 2 }; break;
		case 'x': if (ntypes < 8) types[ntypes++] = (od_type){ 'x', 2 }; break;
		case 'v': all = true; break;
		case OPT_HELP:
			return box_help("Usage: od [OPTION]... [FILE]...\n"
			                "Write an unambiguous representation, octal bytes by default, of FILE\n"
			                "to standard output. With no FILE, or when FILE is -, read standard input.\n\n"
			                "  -A, --address-radix=RADIX  offsets in o (octal), d, x (hex) or n (none)\n"
			                "  -t, --format=TYPE          c, o/x/d/u followed by 1, 2, 4 or 8 bytes\n"
			                "  -b  same as -t o1      -c  same as -t c      -d  same as -t u2\n"
			                "  -o  same as -t o2      -x  same as -t x2\n"
			                "  -v, --output-duplicates    do not use * to mark line suppression\n");
		default: return box_usage_error(1);
		}
	}
	if (ntypes == 0) types[ntypes++] = (od_type){ 'o', 2 };
	input in;
	input_init(&in, argc - optind, argv + optind);
	od_format format = { radix, types, ntypes };
	unsigned long long offset = dump_lines(&in, all, od_print, &format);
	if (radix != 'n') {
		od_offset(radix, offset);
		putchar('\n');
	}
	return in.status;
}

/* ---- hexdump ------------------------------------------------------------------ */

static void hexdump_canonical(const unsigned char *buf, size_t n, unsigned long long offset, const void *ctx) {
	(void)ctx;
	printf("%08llx ", offset);
	for (size_t i = 0; i < LINE; i++) {
		if (i % 8 == 0) putchar(' ');
		if (i < n) printf("%02x ", buf[i]);
		else fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (size_t i = 0; i < n; i++) putchar(isprint(buf[i]) ? buf[i] : '.');
	puts("|");
}

/* hexdump's default: 16-bit little-endian words in hex. */
static void hexdump_words(const unsigned char *buf, size_t n, unsigned long long offset, const void *ctx) {
	(void)ctx;
	printf("%07llx", offset);
	for (size_t i = 0; i < LINE; i += 2) {
		if (i < n) printf(" %04x", buf[i] | (i + 1 < n ? buf[i + 1] << 8 : 0));
		else fputs("     ", stdout); /* util-linux pads a short last line */
	}
	putchar('\n');
}

int hexdump_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "canonical", no_argument, NULL, 'C' }, { "no-squeezing", no_argument, NULL, 'v' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool canonical = false, all = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "Cv", longopts)) != -1) {
		switch (opt) {
		case 'C': canonical = true; break;
		case 'v': all = true; break;
		case OPT_HELP:
			return box_help("Usage: hexdump [-C] [-v] [FILE]...\n"
			                "Display file contents in hexadecimal (16-bit words by default).\n\n"
			                "  -C, --canonical     canonical hex+ASCII display\n"
			                "  -v, --no-squeezing  output identical lines (not a single '*')\n");
		default: return box_usage_error(1);
		}
	}
	input in;
	input_init(&in, argc - optind, argv + optind);
	unsigned long long offset = dump_lines(&in, all, canonical ? hexdump_canonical : hexdump_words, NULL);
	if (offset > 0) printf(canonical ? "%08llx\n" : "%07llx\n", offset);
	return in.status;
}
