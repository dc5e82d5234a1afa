/* tee: copy standard input to standard output and to files. */
#include "box.h"

static const char tee_usage[] =
	"Usage: tee [-a] [FILE]...\n"
	"Copy standard input to each FILE and to standard output.\n\n"
	"  -a  append to the FILEs instead of overwriting them\n"
	"  -i  ignore interrupt signals (accepted; nothing to do here)\n";

int tee_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "append", no_argument, NULL, 'a' },
		{ "ignore-interrupts", no_argument, NULL, 'i' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool append = false;
	int c;
	while ((c = box_getopt(argc, argv, "ai", longopts)) != -1) {
		switch (c) {
		case 'a': append = true; break;
		case 'i': break;
		case OPT_HELP: return box_help(tee_usage);
		default: return box_usage_error(1);
		}
	}
	int nfiles = argc - optind;
	FILE **outs = xcalloc((size_t)nfiles + 1, sizeof *outs);
	int status = 0;
	for (int i = 0; i < nfiles; i++) {
		outs[i] = fopen(argv[optind + i], append ? "a" : "w");
		if (!outs[i]) {
			box_perr("%s", argv[optind + i]);
			status = 1;
		}
	}
	static char block[65536]; /* static: the default wasm stack is only 64 KiB */
	size_t n;
	/* Unbuffered by line is not needed: each read is passed on at once. */
	while ((n = fread(block, 1, sizeof block, stdin)) > 0) {
		fwrite(block, 1, n, stdout);
		fflush(stdout);
		for (int i = 0; i < nfiles; i++) {
			if (outs[i] && (fwrite(block, 1, n, outs[i]) != n || fflush(outs[i]) != 0)) {
				box_perr("%s", argv[optind + i]);
				fclose(outs[i]);
				outs[i] = NULL;
				status = 1;
			}
		}
		if (feof(stdin))
			break;
	}
	if (ferror(stdin)) {
		box_perr("standard input");
		status = 1;
	}
	for (int i = 0; i < nfiles; i++)
		if (outs[i] && fclose(outs[i]) != 0) {
			box_perr("%s", argv[optind + i]);
			status = 1;
		}
	free(outs);
	return status;
}
