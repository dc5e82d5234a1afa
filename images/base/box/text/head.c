/* head and tail: the first or last part of files; tail -f follows a growing file. */
#include "box.h"

#include <time.h>
#include <unistd.h>

/*
 * "-5" (and "-5c") is an old spelling of "-n 5" that every tutorial uses;
 * rewrite it into the getopt form. Returns a new argv the caller frees.
 */
static char **expand_number_option(int *argc, char **argv)
{
	char **out = xcalloc((size_t)*argc * 2 + 1, sizeof *out);
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		char *a = argv[i];
		bool numeric = i > 0 && a[0] == '-' && a[1] >= '0' && a[1] <= '9';
		/* not after "--", and not the value of -n/-c ("-n -5" is all but 5) */
		if (numeric && (strcmp(argv[i - 1], "--") == 0 || strcmp(argv[i - 1], "-n") == 0 ||
			strcmp(argv[i - 1], "-c") == 0 || strcmp(argv[i - 1], "--lines") == 0 ||
			strcmp(argv[i - 1], "--bytes") == 0))
			numeric = false;
		if (numeric) {
			size_t len = strlen(a);
			bool bytes = a[len - 1] == 'c';
			out[n++] = bytes ? "-c" : "-n";
			out[n++] = a + 1; /* "5c" parses as 5 with the suffix ignored below */
		} else {
			out[n++] = argv[i];
		}
	}
	*argc = n;
	return out;
}

/* Parses the value of -n or -c (`bytes`), with an optional leading '+'
 * (tail: "from line N"); reports a bad one as GNU head and tail do. */
static bool parse_count(const char *arg, bool bytes, long *count, bool *from_start)
{
	const char *s = arg;
	*from_start = s[0] == '+';
	if (s[0] == '+' || s[0] == '-')
		s++;
	char tmp[32];
	size_t len = strlen(s);
	if (len > 0 && len < sizeof tmp && s[len - 1] == 'c' && s[0] >= '0' && s[0] <= '9') {
		memcpy(tmp, s, len - 1);
		tmp[len - 1] = '\0';
		s = tmp;
	}
	if (parse_size(s, count) && *count >= 0)
		return true;
	box_err("invalid number of %s: '%s'", bytes ? "bytes" : "lines", arg);
	return false;
}

static void print_header(const char *name, bool *first)
{
	printf("%s==> %s <==\n", *first ? "" : "\n", strcmp(name, "-") == 0 ? "standard input" : name);
	*first = false;
}

static const char head_usage[] =
	"Usage: head [-qv] [-n [-]N | -c [-]N | -N] [FILE]...\n"
	"Print the first 10 lines of each FILE (standard input for none or '-').\n\n"
	"  -n N   print the first N lines; -n -N: all but the last N lines\n"
	"  -c N   print the first N bytes; -c -N: all but the last N bytes\n"
	"  -q     never print headers giving file names\n"
	"  -v     always print headers giving file names\n"
	"N may have a suffix: K (1024), M, G; KB (1000), MB, GB.\n";

/*
 * Offset in b where its last `count` lines (or bytes) begin: where tail's
 * output starts and head -n -N's ends. 0 when b has no more than that.
 */
static size_t last_part_start(const buf_t *b, long count, bool bytes)
{
	if (bytes)
		return (size_t)count >= b->len ? 0 : b->len - (size_t)count;
	if (count == 0)
		return b->len;
	size_t i = b->len;
	if (i > 0 && b->data[i - 1] == '\n')
		i--; /* a final newline ends the last line, it does not start one */
	long seen = 0;
	for (; i > 0; i--)
		if (b->data[i - 1] == '\n' && ++seen == count)
			break;
	return i;
}

static int head_stream(FILE *in, long count, bool bytes, bool all_but)
{
	if (all_but) {
		/* Everything except the last `count` lines or bytes: read it all. */
		buf_t b = { 0 };
		if (buf_read_all(&b, in) != 0) {
			buf_free(&b);
			return -1;
		}
		fwrite(b.data ? b.data : "", 1, last_part_start(&b, count, bytes), stdout);
		buf_free(&b);
		return 0;
	}
	int c;
	for (long done = 0; done < count && (c = getc(in)) != EOF;) {
		putchar(c);
		if (bytes || c == '\n')
			done++;
	}
	return ferror(in) ? -1 : 0;
}

int head_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lines", required_argument, NULL, 'n' },
		{ "bytes", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	char **args = expand_number_option(&argc, argv);
	long count = 10;
	bool bytes = false, all_but = false, from_start;
	int headers = 0; /* -1 never, 1 always, 0 when several files */
	int c, status = 0;
	while ((c = box_getopt(argc, args, "n:c:qv", longopts)) != -1) {
		switch (c) {
		case 'n': case 'c':
			bytes = c == 'c';
			all_but = optarg[0] == '-';
			if (!parse_count(optarg, bytes, &count, &from_start)) {
				free(args);
				return 1;
			}
			break;
		case 'q': headers = -1; break;
		case 'v': headers = 1; break;
		case OPT_HELP: free(args); return box_help(head_usage);
		default: free(args); return box_usage_error(1);
		}
	}
	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? args + optind : stdin_only;
	bool show = headers == 1 || (headers == 0 && argc - optind > 1);
	bool first = true;
	for (; *files; files++) {
		FILE *in = box_fopen_in(*files);
		if (!in) {
			status = 1;
			continue;
		}
		if (show)
			print_header(*files, &first);
		if (head_stream(in, count, bytes, all_but) != 0) {
			box_perr("error reading '%s'", *files);
			status = 1;
		}
		box_fclose_in(in);
	}
	free(args);
	return fflush(stdout) ? 1 : status;
}

static const char tail_usage[] =
	"Usage: tail [-fqv] [-n [+]N | -c [+]N | -N] [FILE]...\n"
	"Print the last 10 lines of each FILE (standard input for none or '-').\n\n"
	"  -n N   print the last N lines; -n +N: from line N on\n"
	"  -c N   print the last N bytes; -c +N: from byte N on\n"
	"  -f     output appended data as the file grows (checked every 200 ms),\n"
	"         until interrupted\n"
	"  -q     never print headers giving file names\n"
	"  -v     always print headers giving file names\n";

/* Offset in b where the output of tail starts. */
static size_t tail_start(const buf_t *b, long count, bool bytes, bool from_start)
{
	if (!from_start)
		return last_part_start(b, count, bytes);
	if (count > 0)
		count--; /* +1 is the whole input */
	if (bytes)
		return (size_t)count >= b->len ? b->len : (size_t)count;
	size_t i = 0;
	for (long lines = 0; i < b->len && lines < count; i++)
		if (b->data[i] == '\n')
			lines++;
	return i;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* tail -f: poll for growth (WASI has no inotify) and copy what is new. */
static int follow(const char *path, FILE *f, off_t offset)
{
	static char block[65536]; /* static: the wasm stack is small */
	for (;;) {
		fflush(stdout);
		sleep_ms(200);
		struct stat st;
		if (stat(path, &st) != 0)
			continue; /* removed for now; keep waiting, as tail -f does */
		if (st.st_size < offset) {
			box_err("%s: file truncated", path);
			offset = 0;
		}
		if (st.st_size == offset)
			continue;
		if (fseeko(f, offset, SEEK_SET) != 0)
			return 1;
		size_t n;
		while ((n = fread(block, 1, sizeof block, f)) > 0) {
			fwrite(block, 1, n, stdout);
			offset += (off_t)n;
		}
		clearerr(f);
	}
}

int tail_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "lines", required_argument, NULL, 'n' },
		{ "bytes", required_argument, NULL, 'c' },
		{ "follow", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	char **args = expand_number_option(&argc, argv);
	long count = 10;
	bool bytes = false, from_start = false, follow_mode = false;
	int headers = 0;
	int c, status = 0;
	while ((c = box_getopt(argc, args, "n:c:fFqv", longopts)) != -1) {
		switch (c) {
		case 'n': case 'c':
			bytes = c == 'c';
			if (!parse_count(optarg, bytes, &count, &from_start)) {
				free(args);
				return 1;
			}
			break;
		case 'f': case 'F': follow_mode = true; break;
		case 'q': headers = -1; break;
		case 'v': headers = 1; break;
		case OPT_HELP: free(args); return box_help(tail_usage);
		default: free(args); return box_usage_error(1);
		}
	}
	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? args + optind : stdin_only;
	int nfiles = optind < argc ? argc - optind : 1;
	bool show = headers == 1 || (headers == 0 && nfiles > 1);
	bool first = true;
	FILE *last_file = NULL;
	const char *last_name = NULL;
	off_t last_size = 0;
	for (; *files; files++) {
		FILE *in = box_fopen_in(*files);
		if (!in) {
			status = 1;
			continue;
		}
		if (show)
			print_header(*files, &first);
		buf_t b = { 0 };
		if (buf_read_all(&b, in) != 0) {
			box_perr("error reading '%s'", *files);
			status = 1;
		}
		size_t start = tail_start(&b, count, bytes, from_start);
		fwrite(b.data ? b.data + start : "", 1, b.len - start, stdout);
		if (follow_mode && in != stdin && files[1] == NULL) {
			last_file = in;
			last_name = *files;
			last_size = (off_t)b.len;
		} else {
			box_fclose_in(in);
		}
		buf_free(&b);
	}
	free(args);
	if (last_file) /* follows the last named file; ends only when killed */
		return follow(last_name, last_file, last_size);
	return fflush(stdout) ? 1 : status;
}
