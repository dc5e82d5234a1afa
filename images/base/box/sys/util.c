/*
 * util.c: /proc access, process listing and small parsers shared by the
 * system applets.
 */
#include "sysutil.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>

const char *proc_root(void) {
	const char *root = getenv("FLOTILLA_PROC");
	return root && *root ? root : "/proc";
}

char *proc_path(const char *rel) {
	return path_join(proc_root(), rel);
}

char *read_file(const char *path, size_t *len) {
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	buf_t b = {0};
	int rc = buf_read_all(&b, f);
	int saved = errno;
	fclose(f);
	if (rc < 0) {
		buf_free(&b);
		errno = saved;
		return NULL;
	}
	buf_putc(&b, '\0');
	if (len) *len = b.len - 1;
	return b.data;
}

char *proc_read(const char *rel, size_t *len) {
	char *path = proc_path(rel);
	char *text = read_file(path, len);
	int saved = errno;
	free(path);
	errno = saved;
	return text;
}

bool meminfo_value(const char *text, const char *key, unsigned long long *kb) {
	size_t key_len = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
			char *end;
			errno = 0;
			unsigned long long value = strtoull(line + key_len + 1, &end, 10);
			if (end == line + key_len + 1 || errno) return false;
			*kb = value;
			return true;
		}
	}
	return false;
}

/* stat: "pid (comm) S ppid pgrp session tty_nr tpgid flags minflt cminflt
 * majflt cmajflt utime stime cutime cstime priority nice threads
 * itrealvalue starttime vsize rss ...". comm is everything between the
 * first '(' and the LAST ')', since a name may itself contain ") ". */
bool parse_proc_stat(const char *text, proc_info *p) {
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	if (!open || !close || close < open) return false;
	char *end;
	long pid = strtol(text, &end, 10);
	if (end == text || pid <= 0 || pid > INT32_MAX) return false;
	p->pid = (int)pid;
	size_t n = (size_t)(close - open - 1);
	if (n >= sizeof p->comm) n = sizeof p->comm - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';

	/* Fields from 3 (state) on, split on spaces. */
	const char *s = close + 1;
	unsigned long long field[25] = {0}; /* field[i] = Linux field i+3 */
	while (*s == ' ') s++;
	if (!*s) return false;
	p->state = *s++;
	for (int i = 1; i < 25 && *s; i++) {
		while (*s == ' ') s++;
		if (!*s || *s == '\n') break;
		/* tty_nr and friends may be negative (tpgid -1): keep the sign. */
		long long value = strtoll(s, &end, 10);
		if (end == s) return false;
		field[i] = (unsigned long long)value;
		s = end;
	}
	p->ppid = (int)field[4 - 3];
	p->pgrp = (int)field[5 - 3];
	p->session = (int)field[6 - 3];
	p->tty_nr = (int)field[7 - 3];
	p->tpgid = (int)field[8 - 3];
	p->utime = field[14 - 3];
	p->stime = field[15 - 3];
	p->starttime = field[22 - 3];
	p->vsize = field[23 - 3];
	p->rss = field[24 - 3];
	return true;
}

/* cmdline: NUL-separated argv; joined with spaces for display. */
static char *read_cmdline(const char *dir) {
	char rel[64];
	snprintf(rel, sizeof rel, "%s/cmdline", dir);
	size_t len = 0;
	char *text = proc_read(rel, &len);
	if (!text) return xstrdup("");
	while (len > 0 && text[len - 1] == '\0') len--;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\0' || text[i] == '\n') text[i] = ' ';
	text[len] = '\0';
	return text;
}

static unsigned read_uid(const char *dir) {
	char rel[64];
	snprintf(rel, sizeof rel, "%s/status", dir);
	char *text = proc_read(rel, NULL);
	unsigned uid = 0;
	if (text) {
		const char *line = strstr(text, "\nUid:");
		if (line) uid = (unsigned)strtoul(line + 5, NULL, 10);
		free(text);
	}
	return uid;
}

static int by_pid(const void *a, const void *b) {
	const proc_info *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool all_digits(const char *s) {
	if (!*s) return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s)) return false;
	return true;
}

proc_info *list_procs(size_t *count) {
	*count = 0;
	DIR *dir = opendir(proc_root());
	if (!dir) return NULL;
	proc_info *procs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (!all_digits(entry->d_name) || strlen(entry->d_name) > 10) continue;
		char rel[64];
		snprintf(rel, sizeof rel, "%s/stat", entry->d_name);
		char *stat = proc_read(rel, NULL);
		if (!stat) continue; /* the process ended while we listed */
		proc_info p = {0};
		bool ok = parse_proc_stat(stat, &p);
		free(stat);
		if (!ok) continue;
		p.cmdline = read_cmdline(entry->d_name);
		p.uid = read_uid(entry->d_name);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			procs = xrealloc(procs, cap * sizeof *procs);
		}
		procs[n++] = p;
	}
	closedir(dir);
	if (n) qsort(procs, n, sizeof *procs, by_pid);
	*count = n;
	return procs ? procs : xmalloc(1);
}

void free_procs(proc_info *procs, size_t count) {
	for (size_t i = 0; i < count; i++) free(procs[i].cmdline);
	free(procs);
}

/* Linux dev_t encoding of tty_nr: major in bits 8-15, minor in 0-7 and 20-31. */
void tty_name(int tty_nr, char out[16]) {
	unsigned dev = (unsigned)tty_nr;
	unsigned major = (dev >> 8) & 0xfff;
	unsigned minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	if (tty_nr == 0) snprintf(out, 16, "?");
	else if (major >= 136 && major <= 143) snprintf(out, 16, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64) snprintf(out, 16, "tty%u", minor);
	else if (major == 4) snprintf(out, 16, "ttyS%u", minor - 64);
	else snprintf(out, 16, "?");
}

void user_name(unsigned uid, char *out, size_t size) {
	snprintf(out, size, "%u", uid);
	FILE *f = fopen("/etc/passwd", "r");
	if (!f) return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		/* name:password:uid:... */
		char *colon1 = strchr(line, ':');
		char *colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;
		if (!colon2) continue;
		char *end;
		unsigned long value = strtoul(colon2 + 1, &end, 10);
		if (end != colon2 + 1 && *end == ':' && value == uid) {
			*colon1 = '\0';
			snprintf(out, size, "%s", line);
			break;
		}
	}
	fclose(f);
}

double proc_uptime(void) {
	char *text = proc_read("uptime", NULL);
	if (!text) return -1;
	char *end;
	double up = strtod(text, &end);
	bool ok = end != text && isfinite(up) && up >= 0;
	free(text);
	return ok ? up : -1;
}

bool parse_duration(const char *s, double *seconds) {
	/* strtod would also accept "inf", hex and exponents; sleep's syntax is
	 * digits, an optional fraction and one suffix letter. */
	const char *p = s;
	bool digits = false;
	while (isdigit((unsigned char)*p)) p++, digits = true;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) p++, digits = true;
	}
	if (!digits) return false;
	double value = strtod(s, NULL);
	double unit = 1;
	switch (*p) {
	case '\0': case 's': break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return false;
	}
	if (*p && p[1]) return false;
	*seconds = value * unit;
	return isfinite(*seconds);
}

bool asks_help(int argc, char **argv) {
	return argc > 1 && strcmp(argv[1], "--help") == 0;
}
