/* cat: concatenate files to standard output, optionally numbering lines. */
#include "box.h"
#include <unistd.h>

static const char cat_usage[] =
	"Usage: cat [-nbsE] [FILE]...\n"
	"Concatenate FILEs (or standard input, also for '-') to standard output.\n\n"
	"  -n  number all output lines\n"
	"  -b  number non-empty output lines\n"
	"  -s  squeeze repeated empty lines\n"
	"  -E  show '$' at the end of each line\n";

struct cat_opts {
	bool number, number_nonblank, squeeze, show_ends;
	long line;         /* numbering continues across files, as coreutils */
	bool at_line_start;
	int blank_run;     /* consecutive empty lines seen, for -s */
};

/*
 * Plain copy: the common case, done in big blocks with read(2)/write(2), not
 * fread: fread waits until its block is full, so `cat` at a terminal would
 * echo nothing until end of input. read returns each line as it is typed.
 */
static int copy_raw(FILE *in)
{
	static char block[65536]; /* static: the default wasm stack is only 64 KiB */
	int fd = fileno(in);
	fflush(stdout);
	for (;;) {
		ssize_t n = read(fd, block, sizeof block);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(STDOUT_FILENO, block + done, (size_t)(n - done));
			if (w < 0)
				return -1;
			done += w;
		}
	}
}

static int copy_lines(FILE *in, struct cat_opts *o)
{
	int c;
	while ((c = getc(in)) != EOF) {
		if (o->at_line_start) {
			bool blank = c == '\n';
			o->blank_run = blank ? o->blank_run + 1 : 0;
			if (o->squeeze && o->blank_run > 1)
				continue;
			if (o->number_nonblank ? !blank : o->number)
				printf("%6ld\t", ++o->line);
		}
		if (c == '\n' && o->show_ends)
			putchar('$');
		putchar(c);
		o->at_line_start = c == '\n';
	}
	return ferror(in) ? -1 : 0;
}

int cat_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "number", no_argument, NULL, 'n' },
		{ "number-nonblank", no_argument, NULL, 'b' },
		{ "squeeze-blank", no_argument, NULL, 's' },
		{ "show-ends", no_argument, NULL, 'E' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	struct cat_opts o = { .at_line_start = true };
	int c;
	while ((c = box_getopt(argc, argv, "nbsEu", longopts)) != -1) {
		switch (c) {
		case 'n': o.number = true; break;
		case 'b': o.number_nonblank = true; break;
		case 's': o.squeeze = true; break;
		case 'E': o.show_ends = true; break;
		case 'u': break; /* unbuffered: accepted, as POSIX requires */
		case OPT_HELP: return box_help(cat_usage);
		default: return box_usage_error(1);
		}
	}
	bool plain = !o.number && !o.number_nonblank && !o.squeeze && !o.show_ends;
	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? argv + optind : stdin_only;
	int status = 0;
	for (; *files; files++) {
		FILE *in = box_fopen_in(*files);
		if (!in) {
			status = 1;
			continue;
		}
		if ((plain ? copy_raw(in) : copy_lines(in, &o)) != 0) {
			box_perr("%s", *files);
			status = 1;
		}
		box_fclose_in(in);
	}
	if (fflush(stdout) != 0) {
		box_perr("write error");
		status = 1;
	}
	return status;
}
