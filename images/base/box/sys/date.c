/*
 * date.c: date [-u] [-d @EPOCH|STRING] [-r FILE] [-I|-R] [+FORMAT]
 *
 * WASI has no time zones: times are shown in UTC whatever TZ says, which is
 * what a Linux container with no zone files does too.
 */
#include "sysutil.h"

#include <ctype.h>

#define DEFAULT_FORMAT "%a %b %e %H:%M:%S %Z %Y"

/* Formats one conversion `spec` (e.g. "%d") with a GNU flag: '-' no
 * padding, '_' pad with spaces, '0' pad with zeros, '^' upper case. */
static void put_conversion(buf_t *out, const char *spec, char flag, const struct tm *tm, long nsec) {
	char text[128];
	if (strcmp(spec, "%N") == 0) {
		snprintf(text, sizeof text, "%09ld", nsec);
	} else if (strcmp(spec, "%:z") == 0) {
		snprintf(text, sizeof text, "+00:00");
	} else if (strftime(text, sizeof text, spec, tm) == 0) {
		text[0] = '\0';
	}
	char *t = text;
	bool numeric = isdigit((unsigned char)text[strspn(text, " 0")]) || text[strspn(text, " 0")] == '\0';
	if (flag == '-' && numeric) {
		while (t[0] && t[1] && (t[0] == '0' || t[0] == ' ')) t++;
	} else if (flag == '_' && numeric) {
		for (char *p = t; p[0] == '0' && p[1]; p++) *p = ' ';
	} else if (flag == '0' && numeric) {
		for (char *p = t; *p == ' '; p++) *p = '0';
	} else if (flag == '^') {
		for (char *p = t; *p; p++) *p = (char)toupper((unsigned char)*p);
	}
	buf_puts(out, t);
}

static void format_time(buf_t *out, const char *format, const struct tm *tm, long nsec) {
	for (const char *p = format; *p; p++) {
		if (*p != '%' || !p[1]) {
			buf_putc(out, *p);
			continue;
		}
		p++;
		char flag = 0;
		if (strchr("-_0^#", *p) && p[1]) flag = *p++;
		char spec[4] = { '%', *p, 0, 0 };
		if (*p == ':' && p[1] == 'z') spec[1] = ':', spec[2] = 'z', p++;
		put_conversion(out, spec, flag, tm, nsec);
	}
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" or "YYYY-MM-DDTHH:MM[:SS]" as UTC. */
static bool parse_iso(const char *s, time_t *out) {
	struct tm tm = {0};
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3) return false;
	s += n;
	if (*s == ' ' || *s == 'T') {
		s++;
		n = 0;
		if (sscanf(s, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &n) != 2) return false;
		s += n;
		if (*s == ':') {
			s++;
			n = 0;
			if (sscanf(s, "%2d%n", &tm.tm_sec, &n) != 1) return false;
			s += n;
		}
	}
	if (*s == 'Z') s++;
	if (*s) return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return true;
}

/* The subset of GNU -d that learners use: @EPOCH, now, today, ISO dates. */
static bool parse_date(const char *s, struct timespec *out) {
	if (*s == '@') {
		char *end;
		errno = 0;
		long long value = strtoll(s + 1, &end, 10);
		if (end == s + 1 || *end || errno) return false;
		out->tv_sec = (time_t)value;
		out->tv_nsec = 0;
		return true;
	}
	if (strcmp(s, "now") == 0 || strcmp(s, "today") == 0 || *s == '\0') return true;
	time_t t;
	if (!parse_iso(s, &t)) return false;
	out->tv_sec = t;
	out->tv_nsec = 0;
	return true;
}

int date_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "utc", no_argument, NULL, 'u' }, { "universal", no_argument, NULL, 'u' },
		{ "date", required_argument, NULL, 'd' }, { "reference", required_argument, NULL, 'r' },
		{ "iso-8601", optional_argument, NULL, 'I' }, { "rfc-email", no_argument, NULL, 'R' },
		{ "set", required_argument, NULL, 's' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	const char *date = NULL, *reference = NULL, *format = NULL;
	int opt;
	while ((opt = box_getopt(argc, argv, "ud:r:I::Rs:", longopts)) != -1) {
		switch (opt) {
		case 'u': break; /* always UTC */
		case 'd': date = optarg; break;
		case 'r': reference = optarg; break;
		case 'R': format = "%a, %d %b %Y %H:%M:%S +0000"; break;
		case 'I':
			if (!optarg || strcmp(optarg, "date") == 0) format = "%Y-%m-%d";
			else if (strcmp(optarg, "hours") == 0) format = "%Y-%m-%dT%H%:z";
			else if (strcmp(optarg, "minutes") == 0) format = "%Y-%m-%dT%H:%M%:z";
			else if (strcmp(optarg, "seconds") == 0) format = "%Y-%m-%dT%H:%M:%S%:z";
			else if (strcmp(optarg, "ns") == 0) format = "%Y-%m-%dT%H:%M:%S,%N%:z";
			else
				return box_usage_fail(1, "invalid argument '%s' for '--iso-8601'", optarg);
			break;
		case 's':
			box_err("cannot set date: Operation not permitted");
			return 1;
		case OPT_HELP:
			return box_help("Usage: date [OPTION]... [+FORMAT]\n"
			                "Display the date and time (always UTC: WASI has no time zones).\n\n"
			                "  -d, --date=STRING       display time described by STRING: @EPOCH,\n"
			                "                          'now', or YYYY-MM-DD [HH:MM[:SS]]\n"
			                "  -I, --iso-8601[=FMT]    ISO 8601 output: date, hours, minutes, seconds, ns\n"
			                "  -R, --rfc-email         RFC 5322 output, e.g. Mon, 14 Aug 2006 02:34:56 +0000\n"
			                "  -r, --reference=FILE    display the last modification time of FILE\n"
			                "  -u, --utc               print Coordinated Universal Time (the default)\n\n"
			                "FORMAT is as strftime(3), plus %N (nanoseconds), %:z and the flags\n"
			                "- (no padding), _ (spaces), 0 (zeros) and ^ (upper case).\n"
			                "The default format is '" DEFAULT_FORMAT "'.\n");
		default: return box_usage_error(1);
		}
	}
	for (; optind < argc; optind++) {
		if (argv[optind][0] == '+' && !format) {
			format = argv[optind] + 1;
		} else if (argv[optind][0] == '+') {
			box_err("multiple output formats specified");
			return 1;
		} else {
			/* date MMDDhhmm sets the clock: not possible in a container. */
			box_err("cannot set date: Operation not permitted");
			return 1;
		}
	}
	if (date && reference)
		return box_usage_fail(1, "the options to specify dates for printing are mutually exclusive");
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (date && !parse_date(date, &now)) {
		box_err("invalid date '%s'", date);
		return 1;
	}
	if (reference) {
		struct stat st;
		if (stat(reference, &st) != 0) {
			box_perr("%s", reference);
			return 1;
		}
		now = st.st_mtim;
	}
	struct tm tm;
	if (!gmtime_r(&now.tv_sec, &tm)) {
		box_err("time %lld is out of range", (long long)now.tv_sec);
		return 1;
	}
	buf_t out = {0};
	format_time(&out, format ? format : DEFAULT_FORMAT, &tm, now.tv_nsec);
	buf_putc(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	return 0;
}
