/*
 * xargs: build command lines from standard input and run them. Box
 * applets run in-process; other programs through spawn.c's box_run.
 */
#include "box.h"

#include <ctype.h>

static const char xargs_usage[] =
	"Usage: xargs [-0rt] [-n N] [-L N] [-I REPL] [-d DELIM] [COMMAND [ARG]...]\n"
	"Run COMMAND (default: echo) with the ARGs followed by items read from\n"
	"standard input (separated by blanks and newlines; quotes and backslash\n"
	"escape them).\n\n"
	"  -n N      use at most N items per command line\n"
	"  -L N      use at most N input lines per command line\n"
	"  -I REPL   run COMMAND once per input line, replacing REPL in the ARGs\n"
	"  -0        items are separated by NUL bytes, quotes are not special\n"
	"  -d DELIM  items are separated by DELIM, quotes are not special\n"
	"  -r        do not run COMMAND if the input is empty\n"
	"  -t        print each command line on standard error before running it\n";

struct item_list {
	char **items;
	size_t n, cap;
	size_t *line_of; /* input line each item came from, for -L */
};

static void push_item(struct item_list *l, buf_t *word, size_t line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
		l->line_of = xrealloc(l->line_of, l->cap * sizeof *l->line_of);
	}
	l->items[l->n] = xstrdup(word->data ? word->data : "");
	l->line_of[l->n] = line;
	l->n++;
	word->len = 0;
	if (word->data)
		word->data[0] = '\0';
}

/* Default splitting: blanks and newlines, with '...', "..." and \x. */
static bool split_default(const buf_t *in, struct item_list *l)
{
	buf_t word = { 0 };
	bool in_word = false;
	char quote = 0;
	size_t line = 0;
	for (size_t i = 0; i < in->len; i++) {
		char c = in->data[i];
		if (quote) {
			if (c == quote) {
				quote = 0;
			} else if (c == '\n') {
				box_err("unmatched %s quote; by default quotes are special to xargs unless you use the -0 option",
					quote == '"' ? "double" : "single");
				buf_free(&word);
				return false;
			} else {
				buf_putc(&word, c);
			}
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			in_word = true;
		} else if (c == '\\' && i + 1 < in->len) {
			buf_putc(&word, in->data[++i]);
			in_word = true;
		} else if (isspace((unsigned char)c)) {
			if (in_word)
				push_item(l, &word, line);
			in_word = false;
			if (c == '\n')
				line++;
		} else {
			buf_putc(&word, c);
			in_word = true;
		}
	}
	if (quote) {
		box_err("unmatched %s quote; by default quotes are special to xargs unless you use the -0 option",
			quote == '"' ? "double" : "single");
		buf_free(&word);
		return false;
	}
	if (in_word)
		push_item(l, &word, line);
	buf_free(&word);
	return true;
}

/* -0 / -d: every delimiter ends an item; a final empty item is dropped. */
static void split_delim(const buf_t *in, char delim, struct item_list *l)
{
	buf_t word = { 0 };
	size_t line = 0;
	for (size_t i = 0; i < in->len; i++) {
		if (in->data[i] == delim) {
			push_item(l, &word, line++);
		} else {
			buf_putc(&word, in->data[i]);
		}
	}
	if (word.len > 0)
		push_item(l, &word, line);
	buf_free(&word);
}

/* -I: one item per line, leading blanks removed. */
static void split_lines_for_replace(const buf_t *in, struct item_list *l)
{
	buf_t word = { 0 };
	size_t line = 0;
	size_t i = 0;
	while (i < in->len) {
		while (i < in->len && (in->data[i] == ' ' || in->data[i] == '\t'))
			i++;
		size_t start = i;
		while (i < in->len && in->data[i] != '\n')
			i++;
		if (i > start) {
			word.len = 0;
			buf_append(&word, in->data + start, i - start);
			push_item(l, &word, line);
		}
		line++;
		i++;
	}
	buf_free(&word);
}

static void trace(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
	fputc('\n', stderr);
}

/* Runs one command line; maps statuses as GNU xargs: 123, 124, 126, 127. */
static int run_one(char **argv, bool verbose, bool *stop)
{
	if (verbose)
		trace(argv);
	fflush(stdout);
	int status = box_run(argv);
	if (status == 255) {
		box_err("%s: exited with status 255; aborting", argv[0]);
		*stop = true;
		return 124;
	}
	if (status == 126 || status == 127) {
		*stop = true;
		return status;
	}
	if (status >= 128) {
		box_err("%s: terminated by signal %d", argv[0], status - 128);
		*stop = true;
		return 125;
	}
	return status ? 123 : 0;
}

/* Replaces every occurrence of `repl` in `arg` with `item`. */
static char *replace_all(const char *arg, const char *repl, const char *item)
{
	buf_t b = { 0 };
	buf_puts(&b, "");
	size_t rl = strlen(repl);
	for (const char *s = arg; *s;) {
		if (rl && strncmp(s, repl, rl) == 0) {
			buf_puts(&b, item);
			s += rl;
		} else {
			buf_putc(&b, *s++);
		}
	}
	return b.data;
}

int xargs_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-args", required_argument, NULL, 'n' },
		{ "max-lines", required_argument, NULL, 'L' },
		{ "replace", required_argument, NULL, 'I' },
		{ "null", no_argument, NULL, '0' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "no-run-if-empty", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 't' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	long max_args = 0, max_lines = 0;
	const char *repl = NULL;
	int delim = -1;
	bool no_run_empty = false, verbose = false;
	int c;
	/* '+': options stop at the command, whose own options are its business */
	while ((c = box_getopt(argc, argv, "+n:L:I:0d:rtx", longopts)) != -1) {
		switch (c) {
		case 'n': case 'L': {
			long v;
			if (!parse_long(optarg, &v) || v < 1) {
				box_err("value %s for -%c option should be >= 1", optarg, c);
				return 1;
			}
			if (c == 'n')
				max_args = v;
			else
				max_lines = v;
			break;
		}
		case 'I': repl = optarg; break;
		case '0': delim = '\0'; break;
		case 'd':
			if (optarg[0] == '\\' && optarg[1] == 'n')
				delim = '\n';
			else if (optarg[0] == '\\' && optarg[1] == 't')
				delim = '\t';
			else
				delim = (unsigned char)optarg[0];
			break;
		case 'r': no_run_empty = true; break;
		case 't': verbose = true; break;
		case 'x': break;
		case OPT_HELP: return box_help(xargs_usage);
		default: return box_usage_error(1);
		}
	}
	static char *default_cmd[] = { "echo", NULL };
	char **cmd = optind < argc ? argv + optind : default_cmd;
	int ncmd = optind < argc ? argc - optind : 1;

	buf_t input = { 0 };
	if (buf_read_all(&input, stdin) != 0) {
		box_perr("read error");
		buf_free(&input);
		return 1;
	}
	struct item_list items = { 0 };
	bool ok = true;
	if (repl)
		split_lines_for_replace(&input, &items);
	else if (delim >= 0)
		split_delim(&input, (char)delim, &items);
	else
		ok = split_default(&input, &items);
	buf_free(&input);

	int status = 0;
	bool stop = false;
	if (!ok) {
		status = 1;
	} else if (repl) {
		/* one command per line, REPL replaced in every argument */
		char **line = xcalloc((size_t)ncmd + 1, sizeof *line);
		for (size_t i = 0; i < items.n && !stop; i++) {
			for (int k = 0; k < ncmd; k++)
				line[k] = replace_all(cmd[k], repl, items.items[i]);
			int s = run_one(line, verbose, &stop);
			if (s > status)
				status = s;
			for (int k = 0; k < ncmd; k++)
				free(line[k]);
		}
		free(line);
	} else if (items.n == 0) {
		if (!no_run_empty) {
			char **line = xcalloc((size_t)ncmd + 1, sizeof *line);
			memcpy(line, cmd, (size_t)ncmd * sizeof *line);
			status = run_one(line, verbose, &stop);
			free(line);
		}
	} else {
		char **line = xcalloc((size_t)ncmd + items.n + 1, sizeof *line);
		size_t i = 0;
		while (i < items.n && !stop) {
			memcpy(line, cmd, (size_t)ncmd * sizeof *line);
			size_t k = (size_t)ncmd, taken = 0;
			size_t first_line = items.line_of[i];
			while (i < items.n) {
				if (max_args && taken >= (size_t)max_args)
					break;
				if (max_lines && items.line_of[i] >= first_line + (size_t)max_lines)
					break;
				line[k++] = items.items[i++];
				taken++;
			}
			line[k] = NULL;
			int s = run_one(line, verbose, &stop);
			if (s > status)
				status = s;
		}
		free(line);
	}
	for (size_t i = 0; i < items.n; i++)
		free(items.items[i]);
	free(items.items);
	free(items.line_of);
	return status;
}
