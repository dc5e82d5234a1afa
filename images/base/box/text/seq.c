/* seq: print a sequence of numbers. */
#include "box.h"

#include <ctype.h>
#include <math.h>

static const char seq_usage[] =
	"Usage: seq [-w] [-s SEP] [FIRST [INCREMENT]] LAST\n"
	"Print numbers from FIRST (default 1) to LAST, stepping by INCREMENT (default 1).\n\n"
	"  -s SEP  separate numbers with SEP instead of a newline\n"
	"  -w      pad numbers with leading zeros to equal width\n";

/* Digits after the decimal point as written ("0.25" -> 2, "1e3" -> 0). */
static int fraction_digits(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot || strpbrk(s, "eE"))
		return 0;
	int n = 0;
	for (dot++; isdigit((unsigned char)*dot); dot++)
		n++;
	return n;
}

static bool is_integer_text(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool parse_operand(const char *s, double *out)
{
	char *end;
	*out = strtod(s, &end);
	if (end == s || *end || isnan(*out)) {
		box_err("invalid floating point argument: '%s'", s);
		return false;
	}
	return true;
}

/* Integer sequences (the common and the big case) without stdio per number. */
static void seq_integers(long long first, long long inc, long long last, const char *sep, int width)
{
	buf_t out = { 0 };
	size_t seplen = strlen(sep);
	bool any = false;
	for (long long v = first; inc > 0 ? v <= last : v >= last; v += inc) {
		char digits[32];
		int n = snprintf(digits, sizeof digits, "%0*lld", width, v);
		if (any)
			buf_append(&out, sep, seplen);
		buf_append(&out, digits, (size_t)n);
		any = true;
		if (out.len > 60000) {
			fwrite(out.data, 1, out.len, stdout);
			out.len = 0;
		}
		/* stop before the step would overflow */
		if ((inc > 0 && v > __LONG_LONG_MAX__ - inc) || (inc < 0 && v < -__LONG_LONG_MAX__ - 1 - inc))
			break;
	}
	if (any)
		buf_putc(&out, '\n');
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	buf_free(&out);
}

static void seq_floats(double first, double inc, double last, const char *sep, int prec, int width)
{
	bool any = false;
	/* Counting steps (not adding inc repeatedly) avoids drift: 0.1*3 vs 0.1+0.1+0.1. */
	for (long long i = 0;; i++) {
		double v = first + (double)i * inc;
		if (inc > 0 ? v > last + fabs(inc) * 1e-10 : v < last - fabs(inc) * 1e-10)
			break;
		if (any)
			fputs(sep, stdout);
		printf(width ? "%0*.*f" : "%*.*f", width, prec, v);
		any = true;
	}
	if (any)
		putchar('\n');
}

int seq_main(int argc, char **argv)
{
	const char *sep = "\n";
	bool equal_width = false;
	char *operands[3];
	int nops = 0;
	/* Manual parsing: "-5" and "-0.5" are numbers here, not options. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool option = a[0] == '-' && a[1] && !isdigit((unsigned char)a[1]) && a[1] != '.';
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (nops == 3)
					return box_usage_fail(1, "extra operand '%s'", argv[i]);
				operands[nops++] = argv[i];
			}
			break;
		}
		if (strcmp(a, "--help") == 0)
			return box_help(seq_usage);
		if (!option) {
			if (nops == 3)
				return box_usage_fail(1, "extra operand '%s'", a);
			operands[nops++] = argv[i];
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'w') {
				equal_width = true;
			} else if (*p == 's') {
				if (p[1]) {
					sep = p + 1;
				} else if (i + 1 < argc) {
					sep = argv[++i];
				} else {
					return box_usage_fail(1, "option requires an argument -- 's'");
				}
				break;
			} else {
				return box_usage_fail(1, "invalid option -- '%c'", *p);
			}
		}
	}
	if (nops == 0)
		return box_usage_fail(1, "missing operand");
	double v[3] = { 1, 1, 0 };
	const char *text[3] = { "1", "1", operands[nops - 1] };
	if (nops >= 2)
		text[0] = operands[0];
	if (nops == 3)
		text[1] = operands[1];
	for (int i = 0; i < 3; i++)
		if (!parse_operand(text[i], &v[i]))
			return box_usage_error(1);
	if (v[1] == 0)
		return box_usage_fail(1, "invalid Zero increment value: '%s'", text[1]);
	int prec = fraction_digits(text[0]);
	if (fraction_digits(text[1]) > prec)
		prec = fraction_digits(text[1]);
	int width = 0;
	if (equal_width) {
		/* the widest of first and last as they will be printed */
		char a[64], b[64];
		int wa = snprintf(a, sizeof a, "%.*f", prec, v[0]);
		int wb = snprintf(b, sizeof b, "%.*f", prec, v[2]);
		width = wa > wb ? wa : wb;
	}
	if (prec == 0 && is_integer_text(text[0]) && is_integer_text(text[1]) && fabs(v[0]) < 9e18 &&
		fabs(v[1]) < 9e18) {
		long long last = fabs(v[2]) < 9e18 ? (long long)(v[1] > 0 ? floor(v[2]) : ceil(v[2])) : (v[2] > 0 ? __LONG_LONG_MAX__ : -__LONG_LONG_MAX__);
		seq_integers((long long)v[0], (long long)v[1], last, sep, width);
	} else {
		seq_floats(v[0], v[1], v[2], sep, prec, width);
	}
	return fflush(stdout) ? 1 : 0;
}
