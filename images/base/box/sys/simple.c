/*
 * simple.c: the small system applets — true, false, yes, sleep, clear,
 * basename, dirname, chmod.
 */
#include "sysutil.h"

#include <ctype.h>
#include <math.h>
#include <time.h>

int true_main(int argc, char **argv) {
	if (asks_help(argc, argv)) return box_help("Usage: true\nDo nothing, successfully.\n");
	return 0;
}

int false_main(int argc, char **argv) {
	if (asks_help(argc, argv)) box_help("Usage: false\nDo nothing, unsuccessfully.\n");
	return 1;
}

/* ---- yes ---------------------------------------------------------------- */

int yes_main(int argc, char **argv) {
	if (asks_help(argc, argv)) return box_help("Usage: yes [STRING]...\nRepeatedly output a line with all specified STRING(s), or 'y'.\n");
	int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
	buf_t line = {0};
	for (int i = first; i < argc; i++) {
		if (i > first) buf_putc(&line, ' ');
		buf_puts(&line, argv[i]);
	}
	if (first >= argc) buf_putc(&line, 'y');
	buf_putc(&line, '\n');
	/* Write many lines per call: one fd_write per line would be slow. */
	buf_t block = {0};
	while (block.len < 8192) buf_append(&block, line.data, line.len);
	for (;;) {
		if (fwrite(block.data, 1, block.len, stdout) != block.len || fflush(stdout) != 0) break;
	}
	/* Only a write error (usually EPIPE: the reader went away) ends yes. */
	int status = errno == EPIPE ? 0 : 1;
	if (status) box_perr("standard output");
	buf_free(&line);
	buf_free(&block);
	return status;
}

/* ---- sleep -------------------------------------------------------------- */

int sleep_main(int argc, char **argv) {
	if (asks_help(argc, argv)) {
		return box_help("Usage: sleep NUMBER[SUFFIX]...\n"
		                "Pause for NUMBER seconds. SUFFIX may be 's' for seconds (the default),\n"
		                "'m' for minutes, 'h' for hours or 'd' for days. NUMBER may have a\n"
		                "fraction. Given several arguments, pause for the sum of their values.\n");
	}
	int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
	if (first >= argc)
		return box_usage_fail(1, "missing operand");
	double total = 0;
	bool bad = false;
	for (int i = first; i < argc; i++) {
		double seconds;
		if (!parse_duration(argv[i], &seconds)) {
			box_err("invalid time interval '%s'", argv[i]);
			bad = true;
		} else {
			total += seconds;
		}
	}
	if (bad) return box_usage_error(1);
	/* Cap at ~68 years so the conversion to time_t cannot overflow. */
	if (total > 2.0e9) total = 2.0e9;
	struct timespec ts = { .tv_sec = (time_t)total, .tv_nsec = (long)((total - floor(total)) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
	return 0;
}

/* ---- clear -------------------------------------------------------------- */

int clear_main(int argc, char **argv) {
	if (asks_help(argc, argv)) return box_help("Usage: clear\nClear the terminal screen and its scrollback.\n");
	/* Home, erase the screen, erase the scrollback (xterm's E3). */
	fputs("\033[H\033[2J\033[3J", stdout);
	return 0;
}

/* ---- basename / dirname -------------------------------------------------- */

/* GNU basename: trailing slashes ignored, "/" stays "/", and SUFFIX is
 * removed only when something is left. */
static void print_basename(const char *path, const char *suffix, char end) {
	char *name = base_name(path);
	if (!*name && *path == '/') { /* "/" and "//": the root names itself */
		free(name);
		name = xstrdup("/");
	}
	size_t len = strlen(name), slen = suffix ? strlen(suffix) : 0;
	if (slen && len > slen && strcmp(name + len - slen, suffix) == 0 && strcmp(name, "/") != 0) name[len - slen] = '\0';
	printf("%s%c", name, end);
	free(name);
}

int basename_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "multiple", no_argument, NULL, 'a' }, { "suffix", required_argument, NULL, 's' },
		{ "zero", no_argument, NULL, 'z' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool multiple = false;
	const char *suffix = NULL;
	char end = '\n';
	int opt;
	while ((opt = box_getopt(argc, argv, "+as:z", longopts)) != -1) {
		switch (opt) {
		case 'a': multiple = true; break;
		case 's': suffix = optarg; multiple = true; break;
		case 'z': end = '\0'; break;
		case OPT_HELP:
			return box_help("Usage: basename NAME [SUFFIX]\n  or:  basename OPTION... NAME...\n"
			                "Print NAME with any leading directory components removed.\n"
			                "If specified, also remove a trailing SUFFIX.\n\n"
			                "  -a, --multiple       support multiple arguments and treat each as a NAME\n"
			                "  -s, --suffix=SUFFIX  remove a trailing SUFFIX; implies -a\n"
			                "  -z, --zero           end each output line with NUL, not newline\n");
		default: return box_usage_error(1);
		}
	}
	int count = argc - optind;
	if (count < 1)
		return box_usage_fail(1, "missing operand");
	if (!multiple) {
		if (count > 2)
			return box_usage_fail(1, "extra operand '%s'", argv[optind + 2]);
		print_basename(argv[optind], count == 2 ? argv[optind + 1] : NULL, end);
		return 0;
	}
	for (int i = optind; i < argc; i++) print_basename(argv[i], suffix, end);
	return 0;
}

/* POSIX dirname: strip trailing slashes, the last component, then the
 * slashes before it; "." when no slash is left, "/" for the root. */
static void print_dirname(const char *path, char end) {
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/') len--;
	while (len > 0 && path[len - 1] != '/') len--;
	while (len > 1 && path[len - 1] == '/') len--;
	if (len == 0) printf(".%c", end);
	else printf("%.*s%c", (int)len, path, end);
}

int dirname_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "zero", no_argument, NULL, 'z' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	char end = '\n';
	int opt;
	while ((opt = box_getopt(argc, argv, "z", longopts)) != -1) {
		switch (opt) {
		case 'z': end = '\0'; break;
		case OPT_HELP:
			return box_help("Usage: dirname [OPTION] NAME...\n"
			                "Output each NAME with its last non-slash component and trailing slashes\n"
			                "removed; if NAME contains no /'s, output '.' (meaning the current directory).\n\n"
			                "  -z, --zero     end each output line with NUL, not newline\n");
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing operand");
	for (int i = optind; i < argc; i++) print_dirname(argv[i], end);
	return 0;
}

/* ---- chmod ----------------------------------------------------------------
 * WASI preview1 has no way to store permission bits, so chmod validates its
 * mode and operands like GNU chmod and then changes nothing. */

static bool valid_octal_mode(const char *s) {
	size_t n = strspn(s, "01234567");
	return n >= 1 && n <= 4 && s[n] == '\0';
}

/* [ugoa]*([-+=]([rwxXst]*|[ugo]))+ separated by commas. */
static bool valid_symbolic_mode(const char *s) {
	for (;;) {
		s += strspn(s, "ugoa");
		if (*s != '+' && *s != '-' && *s != '=') return false;
		while (*s == '+' || *s == '-' || *s == '=') {
			s++;
			if (*s && strchr("ugo", *s)) s++;
			else s += strspn(s, "rwxXst");
		}
		if (*s == '\0') return true;
		if (*s != ',') return false;
		s++;
	}
}

int chmod_main(int argc, char **argv) {
	if (asks_help(argc, argv)) {
		return box_help("Usage: chmod [OPTION]... MODE[,MODE]... FILE...\n  or:  chmod [OPTION]... OCTAL-MODE FILE...\n"
		                "Change the mode of each FILE to MODE.\n\n"
		                "  -c, -f, -v, -R   accepted as in GNU chmod\n\n"
		                "Note: WASI file systems keep no permission bits, so in Flotilla the mode is\n"
		                "checked but has no effect (every file stays readable and writable).\n");
	}
	bool quiet = false;
	int i = 1;
	/* Options first; "-w" style arguments are modes, not options. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		const char *o = argv[i] + 1;
		if (strspn(o, "cfvR") != strlen(o)) break;
		if (strchr(o, 'f')) quiet = true;
	}
	if (i >= argc)
		return box_usage_fail(1, "missing operand");
	const char *mode = argv[i++];
	if (!valid_octal_mode(mode) && !valid_symbolic_mode(mode))
		return box_usage_fail(1, "invalid mode: '%s'", mode);
	if (i >= argc)
		return box_usage_fail(1, "missing operand after '%s'", mode);
	int status = 0;
	for (; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			if (!quiet) box_perr("cannot access '%s'", argv[i]);
			status = 1;
		}
	}
	return status;
}
