/*
 * find: walk directory trees, evaluating an expression for each entry.
 * Expressions: -name -iname -path -type -size -empty -newer -mindepth
 * -maxdepth -depth -print -print0 -delete -exec ... {} ; / + -true -false,
 * combined with ! -not -a -and -o -or and ( ). Directory entries are
 * visited in name order so the output is the same on every run.
 */
#include "box.h"

#include <dirent.h>
#include <fnmatch.h>
#include <unistd.h>

enum node_type {
	N_AND, N_OR, N_NOT, N_NAME, N_INAME, N_PATH, N_TYPE, N_SIZE, N_EMPTY, N_NEWER,
	N_PRINT, N_PRINT0, N_DELETE, N_EXEC, N_TRUE, N_FALSE,
};

struct node {
	enum node_type type;
	struct node *left, *right;
	const char *arg;
	char kind;        /* -type letter; -size sign: '+', '-', or '=' */
	long long number; /* -size in units; -newer mtime */
	long long unit;
	char **argv;      /* -exec command with {} */
	int argc;
	bool batch;       /* -exec ... + */
	char **batch_paths;
	size_t nbatch;
};

static struct {
	long mindepth, maxdepth;
	bool depth_first, has_action;
	int status;
	char **tokens;
	int ntokens, pos;
	const char *error;
	struct node **all; /* every node, to free */
	size_t nall;
} fs;

static struct node *new_node(enum node_type type)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->type = type;
	fs.all = xrealloc(fs.all, (fs.nall + 1) * sizeof *fs.all);
	fs.all[fs.nall++] = n;
	return n;
}

static const char *peek(void) { return fs.pos < fs.ntokens ? fs.tokens[fs.pos] : NULL; }

static const char *take_arg(const char *pred)
{
	if (fs.pos >= fs.ntokens) {
		static char msg[64];
		snprintf(msg, sizeof msg, "missing argument to `%s'", pred);
		fs.error = msg;
		return NULL;
	}
	return fs.tokens[fs.pos++];
}

static struct node *parse_or(void);

static bool parse_size_arg(struct node *n, const char *s)
{
	n->kind = '=';
	if (*s == '+' || *s == '-')
		n->kind = *s++;
	char *end;
	n->number = strtoll(s, &end, 10);
	if (end == s)
		return false;
	n->unit = 512;
	switch (*end) {
	case '\0': break;
	case 'c': n->unit = 1; end++; break;
	case 'w': n->unit = 2; end++; break;
	case 'b': n->unit = 512; end++; break;
	case 'k': n->unit = 1024; end++; break;
	case 'M': n->unit = 1024 * 1024; end++; break;
	case 'G': n->unit = 1024LL * 1024 * 1024; end++; break;
	default: return false;
	}
	return *end == '\0';
}

static struct node *parse_primary(void)
{
	const char *t = peek();
	if (!t) {
		fs.error = "expected an expression";
		return NULL;
	}
	fs.pos++;
	if (strcmp(t, "(") == 0) {
		struct node *n = parse_or();
		if (!n)
			return NULL;
		if (!peek() || strcmp(peek(), ")") != 0) {
			fs.error = "invalid expression; I was expecting to find a ')' somewhere but did not see one.";
			return NULL;
		}
		fs.pos++;
		return n;
	}
	if (strcmp(t, "!") == 0 || strcmp(t, "-not") == 0) {
		struct node *n = new_node(N_NOT);
		n->left = parse_primary();
		return n->left ? n : NULL;
	}
	struct node *n;
	const char *arg;
	if (strcmp(t, "-name") == 0 || strcmp(t, "-iname") == 0 || strcmp(t, "-path") == 0 ||
		strcmp(t, "-wholename") == 0) {
		if (!(arg = take_arg(t)))
			return NULL;
		n = new_node(t[1] == 'n' ? N_NAME : t[1] == 'i' ? N_INAME : N_PATH);
		n->arg = arg;
		return n;
	}
	if (strcmp(t, "-type") == 0) {
		if (!(arg = take_arg(t)))
			return NULL;
		if (strlen(arg) != 1 || !strchr("fdlpsbc", arg[0])) {
			static char msg[64];
			snprintf(msg, sizeof msg, "Unknown argument to -type: %s", arg);
			fs.error = msg;
			return NULL;
		}
		n = new_node(N_TYPE);
		n->kind = arg[0];
		return n;
	}
	if (strcmp(t, "-size") == 0) {
		if (!(arg = take_arg(t)))
			return NULL;
		n = new_node(N_SIZE);
		if (!parse_size_arg(n, arg)) {
			static char msg[64];
			snprintf(msg, sizeof msg, "invalid -size argument `%s'", arg);
			fs.error = msg;
			return NULL;
		}
		return n;
	}
	if (strcmp(t, "-newer") == 0) {
		if (!(arg = take_arg(t)))
			return NULL;
		struct stat st;
		if (stat(arg, &st) != 0) {
			box_perr("'%s'", arg);
			fs.error = "";
			return NULL;
		}
		n = new_node(N_NEWER);
		n->number = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		return n;
	}
	if (strcmp(t, "-maxdepth") == 0 || strcmp(t, "-mindepth") == 0) {
		long v;
		if (!(arg = take_arg(t)))
			return NULL;
		if (!parse_long(arg, &v) || v < 0) {
			static char msg[80];
			snprintf(msg, sizeof msg, "Expected a positive decimal integer argument to %s, but got `%s'", t, arg);
			fs.error = msg;
			return NULL;
		}
		if (t[1] == 'm' && t[2] == 'a')
			fs.maxdepth = v;
		else
			fs.mindepth = v;
		return new_node(N_TRUE);
	}
	if (strcmp(t, "-depth") == 0) {
		fs.depth_first = true;
		return new_node(N_TRUE);
	}
	if (strcmp(t, "-empty") == 0)
		return new_node(N_EMPTY);
	if (strcmp(t, "-true") == 0)
		return new_node(N_TRUE);
	if (strcmp(t, "-false") == 0)
		return new_node(N_FALSE);
	if (strcmp(t, "-print") == 0 || strcmp(t, "-print0") == 0) {
		fs.has_action = true;
		return new_node(t[6] ? N_PRINT0 : N_PRINT);
	}
	if (strcmp(t, "-delete") == 0) {
		fs.has_action = true;
		fs.depth_first = true; /* children go before their directory */
		return new_node(N_DELETE);
	}
	if (strcmp(t, "-exec") == 0) {
		fs.has_action = true;
		n = new_node(N_EXEC);
		int start = fs.pos;
		while (fs.pos < fs.ntokens && strcmp(fs.tokens[fs.pos], ";") != 0 &&
			!(strcmp(fs.tokens[fs.pos], "+") == 0 && fs.pos > start && strcmp(fs.tokens[fs.pos - 1], "{}") == 0))
			fs.pos++;
		if (fs.pos >= fs.ntokens || fs.pos == start) {
			fs.error = "missing argument to `-exec'";
			return NULL;
		}
		n->batch = strcmp(fs.tokens[fs.pos], "+") == 0;
		n->argv = fs.tokens + start;
		n->argc = fs.pos - start;
		fs.pos++;
		return n;
	}
	static char msg[64];
	snprintf(msg, sizeof msg, t[0] == '-' ? "unknown predicate `%s'" : "paths must precede expression: `%s'", t);
	fs.error = msg;
	return NULL;
}

static struct node *parse_and(void)
{
	struct node *left = parse_primary();
	while (left) {
		const char *t = peek();
		if (!t || strcmp(t, "-o") == 0 || strcmp(t, "-or") == 0 || strcmp(t, ")") == 0)
			break;
		if (strcmp(t, "-a") == 0 || strcmp(t, "-and") == 0)
			fs.pos++;
		struct node *n = new_node(N_AND);
		n->left = left;
		n->right = parse_primary();
		if (!n->right)
			return NULL;
		left = n;
	}
	return left;
}

static struct node *parse_or(void)
{
	struct node *left = parse_and();
	while (left && peek() && (strcmp(peek(), "-o") == 0 || strcmp(peek(), "-or") == 0)) {
		fs.pos++;
		struct node *n = new_node(N_OR);
		n->left = left;
		n->right = parse_and();
		if (!n->right)
			return NULL;
		left = n;
	}
	return left;
}

/* Runs `argv` with every "{}" (also inside a word) replaced by the paths. */
static int run_exec(struct node *n, char **paths, size_t npaths)
{
	size_t cap = (size_t)n->argc + npaths + 1;
	char **argv = xcalloc(cap, sizeof *argv);
	char **owned = xcalloc(cap, sizeof *owned);
	size_t k = 0, nowned = 0;
	for (int i = 0; i < n->argc; i++) {
		const char *a = n->argv[i];
		if (n->batch && strcmp(a, "{}") == 0) {
			for (size_t j = 0; j < npaths; j++)
				argv[k++] = paths[j];
			continue;
		}
		if (!strstr(a, "{}")) {
			argv[k++] = (char *)a;
			continue;
		}
		buf_t b = { 0 };
		buf_puts(&b, "");
		for (const char *s = a; *s;) {
			if (s[0] == '{' && s[1] == '}') {
				buf_puts(&b, paths[0]);
				s += 2;
			} else {
				buf_putc(&b, *s++);
			}
		}
		argv[k++] = owned[nowned++] = b.data;
	}
	argv[k] = NULL;
	fflush(stdout);
	int status = box_run(argv);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(argv);
	return status;
}

static bool is_empty(const char *path, const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return st->st_size == 0;
	if (!S_ISDIR(st->st_mode))
		return false;
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static bool type_matches(char kind, mode_t m)
{
	switch (kind) {
	case 'f': return S_ISREG(m);
	case 'd': return S_ISDIR(m);
	case 'l': return S_ISLNK(m);
	case 'p': return S_ISFIFO(m);
	case 's': return S_ISSOCK(m);
	case 'b': return S_ISBLK(m);
	case 'c': return S_ISCHR(m);
	}
	return false;
}

static bool eval(struct node *n, const char *path, const struct stat *st)
{
	switch (n->type) {
	case N_AND: return eval(n->left, path, st) && eval(n->right, path, st);
	case N_OR: return eval(n->left, path, st) || eval(n->right, path, st);
	case N_NOT: return !eval(n->left, path, st);
	case N_NAME: case N_INAME: {
		char *base = base_name(path);
		bool m = fnmatch(n->arg, base, n->type == N_INAME ? FNM_CASEFOLD : 0) == 0;
		free(base);
		return m;
	}
	case N_PATH: return fnmatch(n->arg, path, 0) == 0;
	case N_TYPE: return type_matches(n->kind, st->st_mode);
	case N_SIZE: {
		/* sizes round up to whole units, as GNU find */
		long long units = ((long long)st->st_size + n->unit - 1) / n->unit;
		return n->kind == '+' ? units > n->number : n->kind == '-' ? units < n->number : units == n->number;
	}
	case N_EMPTY: return is_empty(path, st);
	case N_NEWER: return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec > n->number;
	case N_TRUE: return true;
	case N_FALSE: return false;
	case N_PRINT: puts(path); return true;
	case N_PRINT0: fputs(path, stdout); putchar('\0'); return true;
	case N_DELETE:
		if ((S_ISDIR(st->st_mode) ? rmdir(path) : unlink(path)) != 0) {
			box_perr("cannot delete '%s'", path);
			fs.status = 1;
			return false;
		}
		return true;
	case N_EXEC:
		if (n->batch) {
			n->batch_paths = xrealloc(n->batch_paths, (n->nbatch + 1) * sizeof *n->batch_paths);
			n->batch_paths[n->nbatch++] = xstrdup(path);
			return true;
		}
		{
			char *one[1] = { (char *)path };
			return run_exec(n, one, 1) == 0;
		}
	}
	return false;
}

static void visit(const char *path, long depth, struct node *expr, bool top);

/* A directory's entries are one level deeper than the directory. */
struct visit_walk {
	long depth;
	struct node *expr;
};

static int visit_entry(const char *path, const char *name, void *ctx)
{
	const struct visit_walk *walk = ctx;
	(void)name;
	visit(path, walk->depth, walk->expr, false);
	return 0;
}

static void visit(const char *path, long depth, struct node *expr, bool top)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		box_perr("'%s'", path);
		fs.status = 1;
		return;
	}
	/* a symlink named on the command line is still the link (find -P) */
	(void)top;
	bool in_range = depth >= fs.mindepth;
	if (in_range && !fs.depth_first)
		eval(expr, path, &st);
	if (S_ISDIR(st.st_mode) && (fs.maxdepth < 0 || depth < fs.maxdepth)) {
		struct visit_walk walk = { depth + 1, expr };
		if (box_walk_dir(path, BOX_WALK_SORTED, visit_entry, &walk) < 0) {
			box_perr("'%s'", path);
			fs.status = 1;
		}
	}
	if (in_range && fs.depth_first)
		eval(expr, path, &st);
}

static const char find_usage[] =
	"Usage: find [PATH]... [EXPRESSION]\n"
	"Search directory trees (default: .) for entries matching EXPRESSION\n"
	"and print them (or run the EXPRESSION's actions).\n\n"
	"Tests:   -name PATTERN  -iname PATTERN  -path PATTERN  -type [fdl]\n"
	"         -size [+-]N[ckMG]  -empty  -newer FILE  -true  -false\n"
	"Options: -maxdepth N  -mindepth N  -depth\n"
	"Actions: -print  -print0  -delete  -exec COMMAND {} ;  -exec COMMAND {} +\n"
	"Operators: ( EXPR )  ! EXPR  -not EXPR  EXPR -a EXPR  EXPR -o EXPR\n";

static void free_nodes(void)
{
	for (size_t i = 0; i < fs.nall; i++) {
		for (size_t j = 0; j < fs.all[i]->nbatch; j++)
			free(fs.all[i]->batch_paths[j]);
		free(fs.all[i]->batch_paths);
		free(fs.all[i]);
	}
	free(fs.all);
}

int find_main(int argc, char **argv)
{
	memset(&fs, 0, sizeof fs);
	fs.maxdepth = -1;
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return box_help(find_usage);
	/* Paths come first: everything up to the first word that starts an expression. */
	int first_expr = 1;
	while (first_expr < argc) {
		const char *a = argv[first_expr];
		if ((a[0] == '-' && a[1]) || strcmp(a, "(") == 0 || strcmp(a, "!") == 0)
			break;
		first_expr++;
	}
	fs.tokens = argv + first_expr;
	fs.ntokens = argc - first_expr;
	struct node *expr = fs.ntokens > 0 ? parse_or() : new_node(N_TRUE);
	if (expr && fs.pos < fs.ntokens) {
		static char msg[64];
		snprintf(msg, sizeof msg, strcmp(fs.tokens[fs.pos], ")") == 0 ? "invalid expression; you have too many ')'"
			: "paths must precede expression: `%s'", fs.tokens[fs.pos]);
		fs.error = msg;
		expr = NULL;
	}
	if (!expr) {
		if (fs.error && *fs.error)
			box_err("%s", fs.error);
		free_nodes();
		return 1;
	}
	if (!fs.has_action) {
		/* no action given: print what matches */
		struct node *and = new_node(N_AND);
		and->left = expr;
		and->right = new_node(N_PRINT);
		expr = and;
	}
	static char *dot[] = { "." };
	char **paths = first_expr > 1 ? argv + 1 : dot;
	int npaths = first_expr > 1 ? first_expr - 1 : 1;
	for (int i = 0; i < npaths; i++)
		visit(paths[i], 0, expr, true);
	/* -exec ... + runs once at the end with everything it collected */
	for (size_t i = 0; i < fs.nall; i++) {
		struct node *n = fs.all[i];
		if (n->type == N_EXEC && n->batch && n->nbatch > 0 && run_exec(n, n->batch_paths, n->nbatch) != 0)
			fs.status = 1;
	}
	free_nodes();
	return fflush(stdout) ? 1 : fs.status;
}
