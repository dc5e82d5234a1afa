/*
 * echo and printf: the two ways scripts and tutorials print text.
 * They share backslash-escape decoding (echo -e, printf's format and %b).
 */
#include "box.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>

/*
 * Decodes one backslash escape starting just after the backslash at `s`.
 * Appends the byte to `out`, returns how many characters of `s` were used.
 * Sets *stop for \c (stop all output). `octal_zero` selects echo's \0NNN
 * octal form over printf's \NNN.
 */
static size_t decode_escape(const char *s, buf_t *out, bool *stop, bool octal_zero)
{
	const char *p = s;
	int v;
	switch (*p) {
	case 'a': buf_putc(out, '\a'); return 1;
	case 'b': buf_putc(out, '\b'); return 1;
	case 'e': buf_putc(out, 27); return 1;
	case 'f': buf_putc(out, '\f'); return 1;
	case 'n': buf_putc(out, '\n'); return 1;
	case 'r': buf_putc(out, '\r'); return 1;
	case 't': buf_putc(out, '\t'); return 1;
	case 'v': buf_putc(out, '\v'); return 1;
	case '\\': buf_putc(out, '\\'); return 1;
	case 'c': *stop = true; return 1;
	case 'x':
		if (!isxdigit((unsigned char)p[1]))
			break;
		v = 0;
		for (p++; p - s <= 2 && isxdigit((unsigned char)*p); p++)
			v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
		buf_putc(out, (char)v);
		return (size_t)(p - s);
	default:
		if (*p >= '0' && *p <= '7') {
			/* echo: \0NNN (the 0 plus up to 3 digits); printf: \NNN */
			int max = 3;
			if (octal_zero) {
				if (*p != '0')
					break;
				p++;
			}
			v = 0;
			for (; max > 0 && *p >= '0' && *p <= '7'; max--, p++)
				v = v * 8 + (*p - '0');
			buf_putc(out, (char)v);
			return (size_t)(p - s);
		}
		break;
	}
	/* Unknown escape: kept as written, backslash included. */
	buf_putc(out, '\\');
	if (*s) {
		buf_putc(out, *s);
		return 1;
	}
	return 0;
}

/* Appends `s` with escapes decoded; returns false if \c stopped output. */
static bool append_escaped(buf_t *out, const char *s, bool octal_zero)
{
	bool stop = false;
	while (*s && !stop) {
		if (*s == '\\') {
			s++;
			s += decode_escape(s, out, &stop, octal_zero);
		} else {
			buf_putc(out, *s++);
		}
	}
	return !stop;
}

static const char echo_usage[] =
	"Usage: echo [-neE] [STRING]...\n"
	"Print the STRINGs, separated by spaces, and a newline.\n\n"
	"  -n  do not print the trailing newline\n"
	"  -e  interpret backslash escapes (\\n \\t \\\\ \\0NNN \\xHH \\c ...)\n"
	"  -E  do not interpret backslash escapes (default)\n";

/* An echo option word is '-' followed only by the letters n, e, E. */
static bool is_echo_option(const char *s)
{
	if (s[0] != '-' || !s[1])
		return false;
	for (s++; *s; s++)
		if (*s != 'n' && *s != 'e' && *s != 'E')
			return false;
	return true;
}

int echo_main(int argc, char **argv)
{
	bool newline = true, escapes = false;
	int i = 1;
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return box_help(echo_usage);
	for (; i < argc && is_echo_option(argv[i]); i++) {
		for (const char *s = argv[i] + 1; *s; s++) {
			if (*s == 'n')
				newline = false;
			else
				escapes = *s == 'e';
		}
	}
	buf_t out = { 0 };
	bool go_on = true;
	for (; i < argc && go_on; i++) {
		if (escapes)
			go_on = append_escaped(&out, argv[i], true);
		else
			buf_puts(&out, argv[i]);
		if (i + 1 < argc && go_on)
			buf_putc(&out, ' ');
	}
	if (newline && go_on)
		buf_putc(&out, '\n');
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
	return fflush(stdout) ? 1 : 0;
}

/* ---- printf ------------------------------------------------------------ */

static const char printf_usage[] =
	"Usage: printf FORMAT [ARGUMENT]...\n"
	"Print ARGUMENTs according to FORMAT, reusing FORMAT while arguments remain.\n\n"
	"FORMAT escapes: \\n \\t \\\\ \\\" \\a \\b \\f \\r \\v \\NNN (octal) \\xHH \\c\n"
	"Conversions: %s %b %c %d %i %u %o %x %X %e %f %g %%, with flags, width and\n"
	"precision (%-10s, %05d, %.2f, %*d).\n";

struct printf_state {
	char **args;
	int nargs;
	int next;
	int status;
	bool stop; /* \c seen */
};

static const char *next_arg(struct printf_state *st)
{
	return st->next < st->nargs ? st->args[st->next++] : NULL;
}

/* Numeric argument: decimal, 0x hex, 0 octal, or 'c (a character's code). */
static long long numeric_arg(struct printf_state *st, const char *s)
{
	if (!s)
		return 0;
	if (s[0] == '\'' || s[0] == '"')
		return (unsigned char)s[1];
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (end == s || *end) {
		box_err("'%s': %s", s, end == s ? "expected a numeric value" : "value not completely converted");
		st->status = 1;
	} else if (errno == ERANGE) {
		box_err("'%s': Numerical result out of range", s);
		st->status = 1;
	}
	return v;
}

static double float_arg(struct printf_state *st, const char *s)
{
	if (!s)
		return 0;
	if (s[0] == '\'' || s[0] == '"')
		return (unsigned char)s[1];
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end) {
		box_err("'%s': %s", s, end == s ? "expected a numeric value" : "value not completely converted");
		st->status = 1;
	}
	return v;
}

static void append_formatted(buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append_formatted(buf_t *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(out, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(out->data + out->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out->len += (size_t)n;
}

/*
 * Handles one conversion starting at `f` (just after '%'); returns the
 * characters consumed. The spec is rebuilt into a small format string so
 * the C library does the padding; '*' widths become numbers first.
 */
static size_t one_conversion(struct printf_state *st, const char *f, buf_t *out)
{
	const char *p = f;
	char spec[64];
	size_t n = 0;
	spec[n++] = '%';
	while (*p && strchr("-+ #0", *p) && n < 20)
		spec[n++] = *p++;
	while (*p && strchr("-+ #0", *p))
		p++; /* repeated flags beyond any sense */
	int width = -1, prec = -1;
	if (*p == '*') {
		width = (int)numeric_arg(st, next_arg(st));
		p++;
	} else {
		const char *digits = p;
		long w = 0;
		for (; isdigit((unsigned char)*p); p++)
			w = w < 100000 ? w * 10 + (*p - '0') : w;
		if (p > digits)
			width = (int)w;
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			prec = (int)numeric_arg(st, next_arg(st));
			p++;
		} else {
			long w = 0;
			for (; isdigit((unsigned char)*p); p++)
				w = w < 100000 ? w * 10 + (*p - '0') : w;
			prec = (int)w;
		}
	}
	if (width >= 0)
		n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", width);
	if (prec >= 0)
		n += (size_t)snprintf(spec + n, sizeof spec - n, ".%d", prec);
	while (*p && strchr("hlLqjzt", *p))
		p++; /* length modifiers (%ld, %lld): the argument is text anyway */
	char conv = *p;
	if (!conv) {
		box_err("%%%s: invalid conversion specification", f);
		st->status = 1;
		return (size_t)(p - f);
	}
	p++;
	const char *arg;
	switch (conv) {
	case '%':
		buf_putc(out, '%');
		break;
	case 's':
		spec[n++] = 's';
		spec[n] = '\0';
		arg = next_arg(st);
		append_formatted(out, spec, arg ? arg : "");
		break;
	case 'b': {
		buf_t tmp = { 0 };
		arg = next_arg(st);
		if (!append_escaped(&tmp, arg ? arg : "", true))
			st->stop = true;
		spec[n++] = 's';
		spec[n] = '\0';
		append_formatted(out, spec, tmp.data ? tmp.data : "");
		buf_free(&tmp);
		break;
	}
	case 'c':
		spec[n++] = 'c';
		spec[n] = '\0';
		arg = next_arg(st);
		append_formatted(out, spec, arg && *arg ? *arg : '\0');
		break;
	case 'd': case 'i':
		memcpy(spec + n, "lld", 4);
		append_formatted(out, spec, numeric_arg(st, next_arg(st)));
		break;
	case 'u': case 'o': case 'x': case 'X':
		spec[n++] = 'l';
		spec[n++] = 'l';
		spec[n++] = conv;
		spec[n] = '\0';
		append_formatted(out, spec, (unsigned long long)numeric_arg(st, next_arg(st)));
		break;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		spec[n++] = conv;
		spec[n] = '\0';
		append_formatted(out, spec, float_arg(st, next_arg(st)));
		break;
	default:
		box_err("%%%c: invalid conversion specification", conv);
		st->status = 1;
		st->stop = true;
		break;
	}
	return (size_t)(p - f);
}

/* One pass over the format; returns false when output must stop. */
static bool format_once(struct printf_state *st, const char *fmt, buf_t *out)
{
	for (const char *p = fmt; *p && !st->stop;) {
		if (*p == '\\') {
			p++;
			if (*p == '"') {
				buf_putc(out, '"');
				p++;
			} else {
				p += decode_escape(p, out, &st->stop, false);
			}
		} else if (*p == '%') {
			p++;
			p += one_conversion(st, p, out);
		} else {
			buf_putc(out, *p++);
		}
	}
	return !st->stop;
}

int printf_main(int argc, char **argv)
{
	int first = 1;
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return box_help(printf_usage);
	if (argc >= 2 && strcmp(argv[1], "--") == 0)
		first = 2;
	if (first >= argc)
		return box_usage_fail(1, "missing operand");
	struct printf_state st = { argv + first + 1, argc - first - 1, 0, 0, false };
	buf_t out = { 0 };
	/* The format is reused while arguments remain, and used at least once. */
	do {
		int before = st.next;
		if (!format_once(&st, argv[first], &out))
			break;
		if (st.next == before)
			break; /* no conversions consume arguments: avoid looping */
	} while (st.next < st.nargs);
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
	return fflush(stdout) ? 1 : st.status;
}
