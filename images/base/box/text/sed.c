/*
 * sed: stream editor. Supports the commands tutorials use: s (with g, p,
 * N, I flags, & and \1-\9 in the replacement), p, d, q, Q, =, a, i, c, y,
 * n, N, P, D, h, H, g, G, x, { }, !, with addresses (N, $, /re/, \cREc,
 * first~step, ranges A,B and A,+N), and -n, -e, -f, -i[SUFFIX], -E/-r, -s.
 */
#include "box.h"

#include <fcntl.h>
#include <regex.h>
#include <time.h>
#include <unistd.h>

enum addr_type { ADDR_NONE, ADDR_LINE, ADDR_LAST, ADDR_RE, ADDR_STEP, ADDR_PLUS };

struct addr {
	enum addr_type type;
	long line, step;
	regex_t *re; /* NULL with ADDR_RE: the last regex used */
};

struct cmd {
	struct addr a1, a2;
	bool negate;
	char name;
	/* s */
	regex_t *re;
	char *replacement;
	bool global, print;
	long nth;
	/* a, i, c */
	char *text;
	/* y */
	unsigned char *ymap;
	/* { : index of the matching } */
	size_t block_end;
	/* q, Q */
	int exit_code;
	/* range state */
	bool active;
	long range_end;
};

struct script {
	struct cmd *cmds;
	size_t n, cap;
	regex_t **regexes; /* every compiled regex, to free */
	size_t nre;
};

static struct {
	bool quiet, extended, in_place, separate;
	const char *suffix;
} sed_opt;

static struct script sc;
static regex_t *last_re;
static const char *parse_error;

/* ---- parsing ----------------------------------------------------------- */

static void skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static regex_t *compile_regex(const char *src, bool icase)
{
	if (!*src)
		return NULL; /* empty regex: reuse the last one */
	regex_t *re = xmalloc(sizeof *re);
	int flags = (sed_opt.extended ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0);
	int err = regcomp(re, src, flags);
	if (err) {
		static char msg[256];
		regerror(err, re, msg, sizeof msg);
		free(re);
		parse_error = msg;
		return NULL;
	}
	sc.regexes = xrealloc(sc.regexes, (sc.nre + 1) * sizeof *sc.regexes);
	sc.regexes[sc.nre++] = re;
	return re;
}

/*
 * Reads text up to the unescaped delimiter `delim` at *p. In a regex,
 * "\delim" becomes delim and "\n" a newline; other escapes stay for regcomp.
 * In a replacement, escapes are kept for the substitution step.
 */
static char *read_delimited(const char **p, char delim, bool is_regex)
{
	buf_t b = { 0 };
	buf_puts(&b, "");
	const char *s = *p;
	while (*s && *s != delim) {
		if (*s == '\\' && s[1]) {
			if (s[1] == delim) {
				buf_putc(&b, delim);
			} else if (s[1] == 'n' && is_regex) {
				buf_putc(&b, '\n');
			} else {
				buf_putc(&b, s[0]);
				buf_putc(&b, s[1]);
			}
			s += 2;
			continue;
		}
		if (*s == '[' && is_regex) {
			/* a bracket expression may hold the delimiter unescaped */
			const char *q = s + 1;
			if (*q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q && *q != ']')
				q++;
			if (*q == ']') {
				buf_append(&b, s, (size_t)(q - s + 1));
				s = q + 1;
				continue;
			}
		}
		buf_putc(&b, *s++);
	}
	if (*s != delim) {
		buf_free(&b);
		return NULL;
	}
	*p = s + 1;
	return b.data;
}

static bool parse_address(const char **p, struct addr *a)
{
	const char *s = *p;
	a->type = ADDR_NONE;
	if (*s >= '0' && *s <= '9') {
		char *end;
		a->line = strtol(s, &end, 10);
		a->type = ADDR_LINE;
		if (*end == '~') {
			const char *q = end + 1;
			a->step = strtol(q, &end, 10);
			a->type = ADDR_STEP;
		}
		*p = end;
		return true;
	}
	if (*s == '$') {
		a->type = ADDR_LAST;
		*p = s + 1;
		return true;
	}
	if (*s == '/' || *s == '\\') {
		char delim = '/';
		if (*s == '\\') {
			delim = s[1];
			if (!delim || delim == '\n' || delim == '\\') {
				parse_error = "unexpected `,'";
				return false;
			}
			s++;
		}
		s++;
		char *src = read_delimited(&s, delim, true);
		if (!src) {
			parse_error = "unterminated address regex";
			return false;
		}
		bool icase = false;
		while (*s == 'I' || *s == 'M') {
			icase = icase || *s == 'I';
			s++;
		}
		a->type = ADDR_RE;
		a->re = compile_regex(src, icase);
		free(src);
		if (parse_error)
			return false;
		*p = s;
		return true;
	}
	return true;
}

/* Text argument of a, i, c: "a\<newline>text", "a\text" or "a text", to end of line. */
static char *parse_text(const char **p)
{
	const char *s = *p;
	skip_space(&s);
	if (*s == '\\') {
		s++;
		if (*s == '\n')
			s++;
	}
	skip_space(&s);
	buf_t b = { 0 };
	buf_puts(&b, "");
	while (*s && *s != '\n') {
		if (*s == '\\' && s[1]) {
			s++;
			buf_putc(&b, *s == 't' ? '\t' : *s);
			s++;
			continue;
		}
		buf_putc(&b, *s++);
	}
	*p = s;
	return b.data;
}

static unsigned char *parse_y(const char **p)
{
	char delim = **p;
	if (!delim || delim == '\n' || delim == '\\') {
		parse_error = "unterminated `y' command";
		return NULL;
	}
	(*p)++;
	char *from = read_delimited(p, delim, false);
	char *to = from ? read_delimited(p, delim, false) : NULL;
	unsigned char *map = NULL;
	if (!to) {
		parse_error = "unterminated `y' command";
	} else {
		/* decode \\ and \n in both strings */
		buf_t f = { 0 }, t = { 0 };
		for (int k = 0; k < 2; k++) {
			const char *s = k ? to : from;
			buf_t *out = k ? &t : &f;
			buf_puts(out, "");
			for (; *s; s++) {
				if (*s == '\\' && s[1]) {
					s++;
					buf_putc(out, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
				} else {
					buf_putc(out, *s);
				}
			}
		}
		if (f.len != t.len) {
			parse_error = "strings for `y' command are different lengths";
		} else {
			map = xmalloc(256);
			for (int c = 0; c < 256; c++)
				map[c] = (unsigned char)c;
			for (size_t i = 0; i < f.len; i++)
				map[(unsigned char)f.data[i]] = (unsigned char)t.data[i];
		}
		buf_free(&f);
		buf_free(&t);
	}
	free(from);
	free(to);
	return map;
}

static bool parse_s(const char **p, struct cmd *c)
{
	char delim = **p;
	if (!delim || delim == '\n' || delim == '\\') {
		parse_error = "unterminated `s' command";
		return false;
	}
	(*p)++;
	char *re = read_delimited(p, delim, true);
	char *rep = re ? read_delimited(p, delim, false) : NULL;
	if (!rep) {
		free(re);
		parse_error = "unterminated `s' command";
		return false;
	}
	c->replacement = rep;
	bool icase = false;
	for (;; (*p)++) {
		char f = **p;
		if (f == 'g')
			c->global = true;
		else if (f == 'p')
			c->print = true;
		else if (f == 'i' || f == 'I')
			icase = true;
		else if (f >= '1' && f <= '9') {
			char *end;
			c->nth = strtol(*p, &end, 10);
			*p = end - 1;
		} else
			break;
	}
	c->re = compile_regex(re, icase);
	free(re);
	return parse_error == NULL;
}

static struct cmd *new_cmd(void)
{
	if (sc.n == sc.cap) {
		sc.cap = sc.cap ? sc.cap * 2 : 16;
		sc.cmds = xrealloc(sc.cmds, sc.cap * sizeof *sc.cmds);
	}
	struct cmd *c = &sc.cmds[sc.n++];
	memset(c, 0, sizeof *c);
	return c;
}

static bool parse_script(const char *text)
{
	size_t *open_blocks = xmalloc((strlen(text) + 1) * sizeof *open_blocks);
	size_t depth = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ';')
			p++;
		if (!*p)
			break;
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		struct cmd *c = new_cmd();
		if (!parse_address(&p, &c->a1))
			goto fail;
		if (c->a1.type != ADDR_NONE && *p == ',') {
			p++;
			skip_space(&p);
			if (*p == '+') {
				char *end;
				c->a2.type = ADDR_PLUS;
				c->a2.line = strtol(p + 1, &end, 10);
				p = end;
			} else if (!parse_address(&p, &c->a2) || c->a2.type == ADDR_NONE) {
				if (!parse_error)
					parse_error = "unexpected `,'";
				goto fail;
			}
		}
		skip_space(&p);
		while (*p == '!') {
			c->negate = true;
			p++;
			skip_space(&p);
		}
		c->name = *p;
		if (!*p) {
			parse_error = "missing command";
			goto fail;
		}
		p++;
		switch (c->name) {
		case 's':
			if (!parse_s(&p, c))
				goto fail;
			break;
		case 'y':
			if (!(c->ymap = parse_y(&p)))
				goto fail;
			break;
		case 'a': case 'i': case 'c':
			c->text = parse_text(&p);
			break;
		case 'q': case 'Q':
			skip_space(&p);
			c->exit_code = (int)strtol(p, (char **)&p, 10);
			break;
		case '{':
			open_blocks[depth++] = sc.n - 1;
			break;
		case '}':
			if (depth == 0) {
				parse_error = "unexpected `}'";
				goto fail;
			}
			sc.cmds[open_blocks[--depth]].block_end = sc.n - 1;
			break;
		case 'p': case 'd': case 'D': case '=': case 'n': case 'N': case 'P':
		case 'h': case 'H': case 'g': case 'G': case 'x': case 'l':
			break;
		default: {
			static char msg[32];
			snprintf(msg, sizeof msg, "unknown command: `%c'", c->name);
			parse_error = msg;
			goto fail;
		}
		}
		skip_space(&p);
		/* "{" may be followed directly by a command; others need a separator */
		if (c->name != '{' && *p && *p != '\n' && *p != ';' && *p != '}' && *p != '#') {
			static char msg[48];
			snprintf(msg, sizeof msg, "extra characters after command");
			parse_error = msg;
			goto fail;
		}
	}
	if (depth > 0) {
		parse_error = "unmatched `{'";
		goto fail;
	}
	free(open_blocks);
	return true;
fail:
	free(open_blocks);
	return false;
}

/* ---- input: lines from all files, knowing which one is the last -------- */

struct input {
	char **files;
	int nfiles, next_file;
	FILE *cur;
	char *ahead; /* the next line, read early to know whether a line is the last */
	size_t ahead_len, ahead_cap;
	bool have_ahead;
	long lineno;
	int status;
};

static bool open_next_file(struct input *in)
{
	while (in->next_file < in->nfiles) {
		const char *name = in->files[in->next_file++];
		if (strcmp(name, "-") == 0) {
			in->cur = stdin;
			return true;
		}
		in->cur = fopen(name, "r");
		if (in->cur)
			return true;
		box_perr("can't read %s", name);
		in->status = 2;
	}
	return false;
}

/* Reads the look-ahead line; with `span` it continues into later files. */
static void fill_ahead(struct input *in, bool span)
{
	in->have_ahead = false;
	for (;;) {
		if (!in->cur && !(span && open_next_file(in)))
			return;
		ssize_t n = getline(&in->ahead, &in->ahead_cap, in->cur);
		if (n >= 0) {
			if (n > 0 && in->ahead[n - 1] == '\n')
				in->ahead[--n] = '\0';
			in->ahead_len = (size_t)n;
			in->have_ahead = true;
			return;
		}
		box_fclose_in(in->cur);
		in->cur = NULL;
		if (!span)
			return;
	}
}

/* Next line into `ps`; false at the end of input. */
static bool next_line(struct input *in, buf_t *ps, bool span)
{
	if (!in->have_ahead)
		return false;
	ps->len = 0;
	buf_append(ps, in->ahead, in->ahead_len);
	in->lineno++;
	fill_ahead(in, span);
	return true;
}

/* ---- execution --------------------------------------------------------- */

struct state {
	struct input *in;
	bool span;
	buf_t ps, hs; /* pattern and hold space */
	buf_t append; /* text queued by a, printed at the end of the cycle */
	FILE *out;
	bool quit;
	int exit_code;
	bool last_sub; /* for t, were it supported */
};

static bool is_last_line(struct state *st)
{
	return !st->in->have_ahead;
}

static bool match_re(regex_t *re, const buf_t *b)
{
	regex_t *r = re ? re : last_re;
	if (!r)
		return false;
	last_re = r;
	return regexec(r, b->data ? b->data : "", 0, NULL, 0) == 0;
}

static bool match_addr(struct state *st, const struct addr *a)
{
	switch (a->type) {
	case ADDR_NONE: return true;
	case ADDR_LINE: return st->in->lineno == a->line;
	case ADDR_LAST: return is_last_line(st);
	case ADDR_RE: return match_re(a->re, &st->ps);
	case ADDR_STEP:
		if (a->step <= 0)
			return st->in->lineno == a->line;
		return st->in->lineno >= a->line && (st->in->lineno - a->line) % a->step == 0;
	case ADDR_PLUS: return false;
	}
	return false;
}

static bool selects(struct state *st, struct cmd *c)
{
	bool m;
	if (c->a1.type == ADDR_NONE) {
		m = true;
	} else if (c->a2.type == ADDR_NONE) {
		m = match_addr(st, &c->a1);
	} else if (c->active) {
		m = true;
		long line = st->in->lineno;
		if (c->a2.type == ADDR_LINE || c->a2.type == ADDR_PLUS)
			c->active = line < c->range_end;
		else if (match_addr(st, &c->a2))
			c->active = false;
	} else if (c->a1.type == ADDR_LINE && c->a1.line == 0 && c->a2.type == ADDR_RE && st->in->lineno == 1) {
		/* GNU 0,/re/: the range is open before line 1, so /re/ may end it on line 1 */
		m = true;
		c->active = !match_addr(st, &c->a2);
	} else if (match_addr(st, &c->a1)) {
		m = true;
		long line = st->in->lineno;
		if (c->a2.type == ADDR_PLUS) {
			c->range_end = line + c->a2.line;
			c->active = line < c->range_end;
		} else if (c->a2.type == ADDR_LINE) {
			/* an end line at or before the start makes a one-line range */
			c->range_end = c->a2.line;
			c->active = line < c->range_end;
		} else {
			c->active = !(c->a2.type == ADDR_LAST && is_last_line(st));
		}
	} else {
		m = false;
	}
	return m != c->negate;
}

static void write_ps(struct state *st, const char *s, size_t len)
{
	fwrite(s, 1, len, st->out);
	putc('\n', st->out);
}

/* Appends the replacement, expanding & and \1..\9 (and \n, \t). */
static void expand_replacement(buf_t *out, const char *rep, const char *subject, const regmatch_t *m)
{
	for (const char *r = rep; *r; r++) {
		if (*r == '&') {
			buf_append(out, subject + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
		} else if (*r == '\\' && r[1]) {
			r++;
			if (*r >= '0' && *r <= '9') {
				const regmatch_t *g = &m[*r - '0'];
				if (g->rm_so >= 0)
					buf_append(out, subject + g->rm_so, (size_t)(g->rm_eo - g->rm_so));
			} else if (*r == 'n') {
				buf_putc(out, '\n');
			} else if (*r == 't') {
				buf_putc(out, '\t');
			} else {
				buf_putc(out, *r);
			}
		} else {
			buf_putc(out, *r);
		}
	}
}

static bool substitute(struct state *st, struct cmd *c)
{
	regex_t *re = c->re ? c->re : last_re;
	if (!re)
		return false;
	last_re = re;
	const char *subject = st->ps.data ? st->ps.data : "";
	size_t len = st->ps.len;
	buf_t out = { 0 };
	buf_puts(&out, "");
	regmatch_t m[10];
	size_t pos = 0;
	long count = 0;
	bool replaced = false;
	while (pos <= len) {
		if (regexec(re, subject + pos, 10, m, pos > 0 ? REG_NOTBOL : 0) != 0)
			break;
		for (int i = 0; i < 10; i++) {
			if (m[i].rm_so >= 0) {
				m[i].rm_so += (regoff_t)pos;
				m[i].rm_eo += (regoff_t)pos;
			}
		}
		count++;
		bool take = c->nth ? (count == c->nth || (c->global && count > c->nth)) : true;
		buf_append(&out, subject + pos, (size_t)m[0].rm_so - pos);
		if (take) {
			expand_replacement(&out, c->replacement, subject, m);
			replaced = true;
		} else {
			buf_append(&out, subject + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
		}
		pos = (size_t)m[0].rm_eo;
		if (m[0].rm_eo == m[0].rm_so) {
			/* an empty match: copy one character so the search moves on */
			if (pos < len)
				buf_putc(&out, subject[pos]);
			pos++;
		}
		if (take && !c->global)
			break;
	}
	if (!replaced) {
		buf_free(&out);
		return false;
	}
	if (pos < len)
		buf_append(&out, subject + pos, len - pos);
	buf_free(&st->ps);
	st->ps = out;
	return true;
}

/* Runs the script on the pattern space; returns false to skip the autoprint. */
static bool run_cycle(struct state *st)
{
	for (size_t pc = 0; pc < sc.n; pc++) {
		struct cmd *c = &sc.cmds[pc];
		if (c->name == '}')
			continue;
		if (!selects(st, c)) {
			if (c->name == '{')
				pc = c->block_end;
			continue;
		}
		switch (c->name) {
		case '{': break;
		case 's':
			if (substitute(st, c) && c->print)
				write_ps(st, st->ps.data, st->ps.len);
			break;
		case 'p': write_ps(st, st->ps.data ? st->ps.data : "", st->ps.len); break;
		case 'P': {
			const char *nl = st->ps.data ? memchr(st->ps.data, '\n', st->ps.len) : NULL;
			write_ps(st, st->ps.data ? st->ps.data : "", nl ? (size_t)(nl - st->ps.data) : st->ps.len);
			break;
		}
		case 'd': return false;
		case 'D': {
			char *nl = st->ps.data ? memchr(st->ps.data, '\n', st->ps.len) : NULL;
			if (!nl)
				return false;
			size_t cut = (size_t)(nl - st->ps.data) + 1;
			memmove(st->ps.data, st->ps.data + cut, st->ps.len - cut + 1);
			st->ps.len -= cut;
			pc = (size_t)-1; /* restart the script without reading a line */
			continue;
		}
		case '=': fprintf(st->out, "%ld\n", st->in->lineno); break;
		case 'a': buf_puts(&st->append, c->text); buf_putc(&st->append, '\n'); break;
		case 'i': fputs(c->text, st->out); putc('\n', st->out); break;
		case 'c':
			/* in a range, the text replaces the whole range: print at its end */
			if (c->a2.type == ADDR_NONE || !c->active || c->negate) {
				fputs(c->text, st->out);
				putc('\n', st->out);
			}
			return false;
		case 'y':
			for (size_t i = 0; i < st->ps.len; i++)
				st->ps.data[i] = (char)c->ymap[(unsigned char)st->ps.data[i]];
			break;
		case 'q': st->quit = true; st->exit_code = c->exit_code; return true;
		case 'Q': st->quit = true; st->exit_code = c->exit_code; return false;
		case 'n':
			if (!st->in->have_ahead) {
				st->quit = true; /* GNU: no next line, so print and end */
				return true;
			}
			if (!sed_opt.quiet)
				write_ps(st, st->ps.data ? st->ps.data : "", st->ps.len);
			next_line(st->in, &st->ps, st->span);
			break;
		case 'N': {
			if (!st->in->have_ahead) {
				st->quit = true;
				return true;
			}
			buf_t line = { 0 };
			next_line(st->in, &line, st->span);
			buf_putc(&st->ps, '\n');
			buf_append(&st->ps, line.data ? line.data : "", line.len);
			buf_free(&line);
			break;
		}
		case 'h': st->hs.len = 0; buf_append(&st->hs, st->ps.data ? st->ps.data : "", st->ps.len); break;
		case 'H': buf_putc(&st->hs, '\n'); buf_append(&st->hs, st->ps.data ? st->ps.data : "", st->ps.len); break;
		case 'g': st->ps.len = 0; buf_append(&st->ps, st->hs.data ? st->hs.data : "", st->hs.len); break;
		case 'G': buf_putc(&st->ps, '\n'); buf_append(&st->ps, st->hs.data ? st->hs.data : "", st->hs.len); break;
		case 'x': { buf_t t = st->ps; st->ps = st->hs; st->hs = t; buf_puts(&st->ps, ""); break; }
		case 'l': write_ps(st, st->ps.data ? st->ps.data : "", st->ps.len); break;
		}
	}
	return true;
}

/* Runs the script over `in`, writing to `out`; returns the exit status from q/Q. */
static void run_script(struct state *st)
{
	while (!st->quit && next_line(st->in, &st->ps, st->span)) {
		bool print = run_cycle(st);
		if (print && !sed_opt.quiet)
			write_ps(st, st->ps.data ? st->ps.data : "", st->ps.len);
		if (st->append.len) {
			fwrite(st->append.data, 1, st->append.len, st->out);
			st->append.len = 0;
		}
	}
}

static void reset_ranges(void)
{
	for (size_t i = 0; i < sc.n; i++)
		sc.cmds[i].active = false;
}

/* sed -i: edit each file through a temporary file renamed over it. */
static int edit_in_place(char **files, int nfiles, struct state *st)
{
	int status = 0;
	for (int i = 0; i < nfiles && !st->quit; i++) {
		const char *name = files[i];
		struct input in = { .files = files + i, .nfiles = 1 };
		if (!open_next_file(&in)) {
			status = 2;
			continue;
		}
		char *tmp = xmalloc(strlen(name) + 32);
		int fd = -1;
		/* wasi-libc has no mkstemp: try a few names exclusively */
		for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
			sprintf(tmp, "%s.sed%06d", name, (int)(((long)time(NULL) * 7919 + attempt * 104729) % 1000000));
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
			if (fd < 0 && errno != EEXIST)
				break;
		}
		FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!out) {
			box_perr("couldn't open temporary file %s", tmp);
			box_fclose_in(in.cur);
			free(tmp);
			status = 4;
			continue;
		}
		fill_ahead(&in, false);
		st->in = &in;
		st->out = out;
		st->span = false;
		reset_ranges();
		run_script(st);
		if (in.cur)
			box_fclose_in(in.cur);
		free(in.ahead);
		bool ok = fclose(out) == 0;
		if (ok && sed_opt.suffix && *sed_opt.suffix) {
			char *backup = xmalloc(strlen(name) + strlen(sed_opt.suffix) + 1);
			sprintf(backup, "%s%s", name, sed_opt.suffix);
			if (link(name, backup) != 0 && rename(name, backup) != 0)
				box_perr("cannot create backup %s", backup);
			free(backup);
		}
		if (!ok || rename(tmp, name) != 0) {
			box_perr("cannot rename %s", tmp);
			unlink(tmp);
			status = 4;
		}
		free(tmp);
	}
	return status;
}

static void free_script(void)
{
	for (size_t i = 0; i < sc.n; i++) {
		free(sc.cmds[i].replacement);
		free(sc.cmds[i].text);
		free(sc.cmds[i].ymap);
	}
	for (size_t i = 0; i < sc.nre; i++) {
		regfree(sc.regexes[i]);
		free(sc.regexes[i]);
	}
	free(sc.cmds);
	free(sc.regexes);
	memset(&sc, 0, sizeof sc);
	last_re = NULL;
}

static const char sed_usage[] =
	"Usage: sed [-nEs] [-i[SUFFIX]] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]...\n"
	"Edit lines of FILEs (standard input for none or '-') with SCRIPT.\n\n"
	"  -n          print only what p, P, s///p and = print\n"
	"  -e SCRIPT   add SCRIPT to the commands (may be repeated)\n"
	"  -f FILE     add the commands in FILE\n"
	"  -i[SUFFIX]  edit files in place (keeping FILESUFFIX as a backup)\n"
	"  -E, -r      use extended regular expressions\n"
	"  -s          treat files separately (line numbers and $ per file)\n\n"
	"Commands: s/RE/REPL/[gpNI] p d q [N] Q = a TEXT i TEXT c TEXT y/SRC/DST/\n"
	"n N P D h H g G x { ... } !  Addresses: N  $  /RE/  \\cREc  N~S  A,B  A,+N\n";

enum { OPT_SED_IN_PLACE = 'i' };

int sed_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'n' },
		{ "silent", no_argument, NULL, 'n' },
		{ "expression", required_argument, NULL, 'e' },
		{ "file", required_argument, NULL, 'f' },
		{ "in-place", optional_argument, NULL, 'i' },
		{ "regexp-extended", no_argument, NULL, 'E' },
		{ "separate", no_argument, NULL, 's' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	memset(&sed_opt, 0, sizeof sed_opt);
	memset(&sc, 0, sizeof sc);
	last_re = NULL;
	parse_error = NULL;
	buf_t script = { 0 };
	bool have_script = false;
	int c;
	while ((c = box_getopt(argc, argv, "ne:f:i::Ers", longopts)) != -1) {
		switch (c) {
		case 'n': sed_opt.quiet = true; break;
		case 'e':
			if (have_script)
				buf_putc(&script, '\n');
			buf_puts(&script, optarg);
			have_script = true;
			break;
		case 'f': {
			FILE *f = box_fopen_in(optarg);
			if (!f) {
				buf_free(&script);
				return 1;
			}
			if (have_script)
				buf_putc(&script, '\n');
			buf_read_all(&script, f);
			box_fclose_in(f);
			have_script = true;
			break;
		}
		case 'i': sed_opt.in_place = sed_opt.separate = true; sed_opt.suffix = optarg; break;
		case 'E': case 'r': sed_opt.extended = true; break;
		case 's': sed_opt.separate = true; break;
		case OPT_HELP: buf_free(&script); return box_help(sed_usage);
		default: buf_free(&script); return box_usage_error(1);
		}
	}
	if (!have_script) {
		if (optind >= argc) {
			fputs("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n", stderr);
			return box_usage_error(1);
		}
		buf_puts(&script, argv[optind++]);
	}
	if (!parse_script(script.data ? script.data : "")) {
		box_err("-e expression #1: %s", parse_error ? parse_error : "parse error");
		buf_free(&script);
		free_script();
		return 1;
	}
	buf_free(&script);

	static char *stdin_only[] = { "-", NULL };
	char **files = optind < argc ? argv + optind : stdin_only;
	int nfiles = optind < argc ? argc - optind : 1;
	struct state st = { 0 };
	int status;
	if (sed_opt.in_place) {
		if (optind >= argc) {
			box_err("no input files");
			free_script();
			return 1;
		}
		status = edit_in_place(files, nfiles, &st);
	} else {
		struct input in = { .files = files, .nfiles = nfiles };
		st.in = &in;
		st.out = stdout;
		st.span = !sed_opt.separate;
		if (sed_opt.separate) {
			/* -s: each file on its own (line numbers and $ restart) */
			for (int i = 0; i < nfiles && !st.quit; i++) {
				struct input one = { .files = files + i, .nfiles = 1 };
				if (!open_next_file(&one)) {
					in.status = 2;
					continue;
				}
				fill_ahead(&one, false);
				st.in = &one;
				run_script(&st);
				if (one.cur)
					box_fclose_in(one.cur);
				free(one.ahead);
			}
		} else {
			fill_ahead(&in, true);
			run_script(&st);
			if (in.cur)
				box_fclose_in(in.cur);
			free(in.ahead);
		}
		status = in.status;
	}
	buf_free(&st.ps);
	buf_free(&st.hs);
	buf_free(&st.append);
	free_script();
	if (fflush(stdout) != 0)
		status = 4;
	return st.exit_code ? st.exit_code : status;
}
