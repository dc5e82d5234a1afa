/* wc: count lines, words and bytes. */
#include "box.h"

#include <ctype.h>

static const char wc_usage[] =
	"Usage: wc [-clmwL] [FILE]...\n"
	"Print newline, word and byte counts for each FILE, and a total line if\n"
	"more than one FILE is given.\n\n"
	"  -l  print the newline counts\n"
	"  -w  print the word counts\n"
	"  -c  print the byte counts\n"
	"  -m  print the character counts (UTF-8)\n"
	"  -L  print the maximum line length\n";

struct counts {
	unsigned long long lines, words, chars, bytes, maxlen;
};

static int count_stream(FILE *in, struct counts *c)
{
	static unsigned char block[65536]; /* static: the wasm stack is small */
	bool in_word = false;
	unsigned long long linelen = 0;
	size_t n;
	while ((n = fread(block, 1, sizeof block, in)) > 0) {
		c->bytes += n;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = block[i];
			if ((ch & 0xc0) != 0x80)
				c->chars++; /* count UTF-8 lead bytes only */
			if (ch == '\n') {
				c->lines++;
				if (linelen > c->maxlen)
					c->maxlen = linelen;
				linelen = 0;
			} else if (ch == '\t') {
				linelen = (linelen / 8 + 1) * 8;
			} else if ((ch & 0xc0) != 0x80) {
				linelen++;
			}
			bool space = isspace(ch);
			if (!space && !in_word)
				c->words++;
			in_word = !space;
		}
	}
	if (linelen > c->maxlen)
		c->maxlen = linelen;
	return ferror(in) ? -1 : 0;
}

struct which {
	bool lines, words, chars, bytes, maxlen;
};

static void print_counts(const struct counts *c, const struct which *w, int width, const char *name)
{
	const unsigned long long values[] = { c->lines, c->words, c->chars, c->bytes, c->maxlen };
	const bool on[] = { w->lines, w->words, w->chars, w->bytes, w->maxlen };
	bool first = true;
	for (int i = 0; i < 5; i++) {
		if (!on[i])
			continue;
		printf("%s%*llu", first ? "" : " ", width, values[i]);
		first = false;
	}
	if (name)
		printf(" %s", name);
	putchar('\n');
}

/*
 * coreutils' column width: digits of the total size of the regular files,
 * at least 7 when any input is not a regular file, and 1 for a single
 * count of a single input.
 */
static int number_width(char **files, int nfiles, int ncounts)
{
	if (nfiles == 1 && ncounts == 1)
		return 1;
	int minimum = 1;
	unsigned long long total = 0;
	for (int i = 0; i < nfiles; i++) {
		struct stat st;
		if (strcmp(files[i], "-") == 0 ? fstat(0, &st) != 0 : stat(files[i], &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode))
			minimum = 7;
		else
			total += (unsigned long long)st.st_size;
	}
	int width = 1;
	for (; total >= 10; total /= 10)
		width++;
	return width < minimum ? minimum : width;
}

int wc_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lines", no_argument, NULL, 'l' },
		{ "words", no_argument, NULL, 'w' },
		{ "bytes", no_argument, NULL, 'c' },
		{ "chars", no_argument, NULL, 'm' },
		{ "max-line-length", no_argument, NULL, 'L' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct which w = { 0 };
	int c;
	while ((c = box_getopt(argc, argv, "lwcmL", longopts)) != -1) {
		switch (c) {
		case 'l': w.lines = true; break;
		case 'w': w.words = true; break;
		case 'c': w.bytes = true; break;
		case 'm': w.chars = true; break;
		case 'L': w.maxlen = true; break;
		case OPT_HELP: return box_help(wc_usage);
		default: return box_usage_error(1);
		}
	}
	if (!w.lines && !w.words && !w.chars && !w.bytes && !w.maxlen)
		w.lines = w.words = w.bytes = true;
	int ncounts = w.lines + w.words + w.chars + w.bytes + w.maxlen;
	static char *stdin_only[] = { "-", NULL };
	bool named = optind < argc;
	char **files = named ? argv + optind : stdin_only;
	int nfiles = named ? argc - optind : 1;
	int width = number_width(files, nfiles, ncounts);
	struct counts total = { 0 };
	int status = 0;
	for (int i = 0; i < nfiles; i++) {
		FILE *in = box_fopen_in(files[i]);
		if (!in) {
			status = 1;
			continue;
		}
		struct counts cnt = { 0 };
		if (count_stream(in, &cnt) != 0) {
			box_perr("%s", files[i]);
			status = 1;
		}
		box_fclose_in(in);
		print_counts(&cnt, &w, width, named ? files[i] : NULL);
		total.lines += cnt.lines;
		total.words += cnt.words;
		total.chars += cnt.chars;
		total.bytes += cnt.bytes;
		if (cnt.maxlen > total.maxlen)
			total.maxlen = cnt.maxlen;
	}
	if (nfiles > 1)
		print_counts(&total, &w, width, "total");
	return fflush(stdout) ? 1 : status;
}
