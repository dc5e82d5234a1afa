/*
 * procps.c: ps, kill, free and top over the container's /proc
 * (docs/PROC.md), in the layouts of Linux's procps.
 */
#include "sysutil.h"

#include <ctype.h>
#include <strings.h>
#include <math.h>
#include <time.h>
#include <unistd.h>

/* ---- shared ---------------------------------------------------------------- */

/* "[comm]" when a process has no command line (as procps). */
static const char *command_of(const proc_info *p, char *buf, size_t size) {
	if (p->cmdline && *p->cmdline) return p->cmdline;
	snprintf(buf, size, "[%s]", p->comm);
	return buf;
}

/* Total memory in kB, for %MEM; 0 when unknown. */
static unsigned long long mem_total_kb(void) {
	char *text = proc_read("meminfo", NULL);
	unsigned long long kb = 0;
	if (text) meminfo_value(text, "MemTotal", &kb);
	free(text);
	return kb;
}

/* Average %CPU over the process's life, as ps computes it. */
static double cpu_percent(const proc_info *p, double uptime) {
	double alive = uptime - (double)p->starttime / PROC_HZ;
	if (uptime < 0 || alive <= 0) return 0;
	double pct = (double)(p->utime + p->stime) / PROC_HZ / alive * 100;
	return pct > 999.9 ? 999.9 : pct;
}

static double mem_percent(const proc_info *p, unsigned long long total_kb) {
	if (!total_kb) return 0;
	double pct = (double)p->rss * (PROC_PAGE / 1024) * 100 / (double)total_kb;
	return pct > 100 ? 100 : pct;
}

/* Start time: "HH:MM" within the last day, else "MonDD" (ps's START). */
static void start_time(const proc_info *p, double uptime, char out[16]) {
	time_t now = time(NULL);
	double age = uptime < 0 ? 0 : uptime - (double)p->starttime / PROC_HZ;
	if (age < 0) age = 0;
	time_t started = now - (time_t)age;
	struct tm tm;
	if (!gmtime_r(&started, &tm)) {
		snprintf(out, 16, "?");
		return;
	}
	strftime(out, 16, age < 86400 ? "%H:%M" : "%b%d", &tm);
}

/* ---- ps ---------------------------------------------------------------------- */

enum ps_format { PS_DEFAULT, PS_USER, PS_FULL };

static void ps_time_hms(unsigned long long ticks, char out[32]) {
	unsigned long long s = ticks / PROC_HZ;
	if (s >= 86400) snprintf(out, 32, "%llu-%02llu:%02llu:%02llu", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
	else snprintf(out, 32, "%02llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
}

static void ps_print(enum ps_format format, const proc_info *procs, size_t n) {
	double uptime = proc_uptime();
	unsigned long long total_kb = mem_total_kb();
	if (format == PS_USER) puts("USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
	else if (format == PS_FULL) puts("UID        PID  PPID  C STIME TTY          TIME CMD");
	else puts("  PID TTY          TIME CMD");
	for (size_t i = 0; i < n; i++) {
		const proc_info *p = &procs[i];
		char tty[16], user[32], start[16], when[32], cmd[80];
		tty_name(p->tty_nr, tty);
		user_name(p->uid, user, sizeof user);
		start_time(p, uptime, start);
		unsigned long long ticks = p->utime + p->stime;
		if (format == PS_USER) {
			/* STAT: state, 's' for a session leader, '+' in the foreground group. */
			char stat[8];
			snprintf(stat, sizeof stat, "%c%s%s", p->state, p->pid == p->session ? "s" : "",
			         p->tty_nr && p->pgrp == p->tpgid ? "+" : "");
			unsigned long long s = ticks / PROC_HZ;
			snprintf(when, sizeof when, "%llu:%02llu", s / 60, s % 60);
			printf("%-8s %5d %4.1f %4.1f %6llu %5llu %-8s %-4s %5s %6s %s\n", user, p->pid, cpu_percent(p, uptime),
			       mem_percent(p, total_kb), p->vsize / 1024, p->rss * (PROC_PAGE / 1024), tty, stat, start, when,
			       command_of(p, cmd, sizeof cmd));
		} else if (format == PS_FULL) {
			ps_time_hms(ticks, when);
			printf("%-8s %5d %5d %2d %5s %-8s %8s %s\n", user, p->pid, p->ppid, (int)cpu_percent(p, uptime), start, tty,
			       when, command_of(p, cmd, sizeof cmd));
		} else {
			ps_time_hms(ticks, when);
			printf("%5d %-8s %8s %s\n", p->pid, tty, when, p->comm);
		}
	}
}

int ps_main(int argc, char **argv) {
	enum ps_format format = PS_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0) {
			return box_help("Usage: ps [aux | -ef]\n"
			                "Report a snapshot of the container's processes (from /proc).\n\n"
			                "  (none)      PID TTY TIME CMD of every process\n"
			                "  aux, u      user-oriented format: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\n"
			                "  -ef, -f     full format: UID PID PPID C STIME TTY TIME CMD\n"
			                "  a, x, -e, -A  accepted: a container's ps always shows every process\n");
		}
		/* BSD options have no dash; UNIX options have one. */
		bool bsd = a[0] != '-';
		const char *letters = bsd ? a : a + 1;
		if (!*letters)
			return box_usage_fail(1, "error: unsupported option (BSD syntax)");
		for (const char *c = letters; *c; c++) {
			if (bsd && *c == 'u') format = PS_USER;
			else if (!bsd && *c == 'f') format = PS_FULL;
			else if (bsd ? strchr("axw", *c) : strchr("eAaw", *c)) continue;
			else
				return box_usage_fail(1, "error: unsupported option '%c'", *c);
		}
	}
	size_t n;
	proc_info *procs = list_procs(&n);
	if (!procs) {
		box_perr("cannot open %s", proc_root());
		return 1;
	}
	ps_print(format, procs, n);
	free_procs(procs, n);
	return 0;
}

/* ---- kill -------------------------------------------------------------------- */

/* Linux's signal numbers 1..31. */
static const char *const signal_names[] = {
	NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
	"ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
	"PROF", "WINCH", "POLL", "PWR", "SYS",
};
#define NSIG_NAMES ((int)(sizeof signal_names / sizeof *signal_names))

/* "9", "KILL", "SIGKILL", "kill" -> 9; -1 when unknown. */
static int parse_signal(const char *s) {
	if (isdigit((unsigned char)*s)) {
		long n;
		return parse_long(s, &n) && n >= 0 && n <= 64 ? (int)n : -1;
	}
	if (strncasecmp(s, "SIG", 3) == 0) s += 3;
	for (int i = 1; i < NSIG_NAMES; i++)
		if (strcasecmp(s, signal_names[i]) == 0) return i;
	if (strcasecmp(s, "IOT") == 0) return 6;
	if (strcasecmp(s, "IO") == 0) return 29;
	return -1;
}

static int kill_list(const char *arg) {
	if (!arg) {
		/* Two lines, as procps-ng. */
		for (int i = 1; i < NSIG_NAMES; i++) printf("%s%s", signal_names[i], i == 16 || i == NSIG_NAMES - 1 ? "\n" : " ");
		return 0;
	}
	int sig = parse_signal(arg);
	/* kill -l 137 names the signal of an exit status, as shells do. */
	if (isdigit((unsigned char)*arg) && sig < 0) {
		long n;
		if (parse_long(arg, &n) && n > 128 && n < 128 + NSIG_NAMES) sig = (int)n - 128;
	}
	if (sig <= 0 || sig >= NSIG_NAMES) {
		box_err("unknown signal name '%s'", arg);
		return 1;
	}
	if (isdigit((unsigned char)*arg)) puts(signal_names[sig]);
	else printf("%d\n", sig);
	return 0;
}

static int kill_usage(void) {
	fputs("Usage: kill [-s SIGNAL | -SIGNAL] PID...\n"
	      "       kill -l [SIGNAL]\n"
	      "Send a signal (TERM by default) to processes of this container.\n\n"
	      "  -s, --signal SIGNAL  the signal, by name (TERM, SIGKILL) or number (9)\n"
	      "  -SIGNAL              the same: kill -9 PID, kill -KILL PID\n"
	      "  -l, --list [SIGNAL]  list signal names, or convert SIGNAL to a name/number\n",
	      stdout);
	return 0;
}

int kill_main(int argc, char **argv) {
	int sig = 15;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return kill_usage();
		if (strcmp(a, "-l") == 0 || strcmp(a, "--list") == 0 || strcmp(a, "-L") == 0 || strcmp(a, "--table") == 0)
			return kill_list(i + 1 < argc ? argv[i + 1] : NULL);
		const char *name;
		if (strcmp(a, "-s") == 0 || strcmp(a, "--signal") == 0 || strcmp(a, "-n") == 0) {
			if (++i >= argc)
				return box_usage_fail(1, "option requires an argument -- '%c'", a[1] == '-' ? 's' : a[1]);
			name = argv[i];
		} else {
			name = a + 1;
		}
		sig = parse_signal(name);
		if (sig < 0) {
			box_err("unknown signal name '%s'", name);
			return 1;
		}
	}
	if (i >= argc)
		return box_usage_fail(1, "no process ID specified");
	int status = 0;
	fflush(stdout);
	for (; i < argc; i++) {
		long pid;
		if (!parse_long(argv[i], &pid) || pid <= 0 || pid > INT32_MAX) {
			box_err("failed to parse argument: '%s'", argv[i]);
			status = 1;
			continue;
		}
		int err = fl_kill((int)pid, sig);
		if (err) {
			box_err("(%ld): %s", pid, fl_strerror(err));
			status = 1;
		}
	}
	return status;
}

/* ---- free -------------------------------------------------------------------- */

typedef struct {
	unsigned long long total, free, avail, buffers, cached, shared, swap_total, swap_free;
} meminfo;

static bool read_meminfo(meminfo *m) {
	char *text = proc_read("meminfo", NULL);
	if (!text) return false;
	memset(m, 0, sizeof *m);
	unsigned long long reclaimable = 0;
	bool ok = meminfo_value(text, "MemTotal", &m->total) && meminfo_value(text, "MemFree", &m->free);
	if (!meminfo_value(text, "MemAvailable", &m->avail)) m->avail = m->free;
	meminfo_value(text, "Buffers", &m->buffers);
	meminfo_value(text, "Cached", &m->cached);
	meminfo_value(text, "SReclaimable", &reclaimable);
	meminfo_value(text, "Shmem", &m->shared);
	meminfo_value(text, "SwapTotal", &m->swap_total);
	meminfo_value(text, "SwapFree", &m->swap_free);
	m->cached += reclaimable;
	free(text);
	if (m->avail > m->total) m->avail = m->total;
	if (m->swap_free > m->swap_total) m->swap_free = m->swap_total;
	return ok;
}

/* procps 4: used is what is not available. */
static unsigned long long mem_used(const meminfo *m) {
	return m->total - m->avail;
}

enum free_unit { FREE_K, FREE_M, FREE_B, FREE_G, FREE_HUMAN };

/* free -h: "23Gi", "1.1Gi", "19Mi", "0B". */
static void free_cell(enum free_unit unit, unsigned long long kb, char out[32]) {
	switch (unit) {
	case FREE_K: snprintf(out, 32, "%llu", kb); return;
	case FREE_M: snprintf(out, 32, "%llu", kb / 1024); return;
	case FREE_G: snprintf(out, 32, "%llu", kb / (1024 * 1024)); return;
	case FREE_B: snprintf(out, 32, "%llu", kb * 1024); return;
	case FREE_HUMAN: break;
	}
	static const char *const units[] = { "B", "Ki", "Mi", "Gi", "Ti", "Pi" };
	double v = (double)kb * 1024;
	int u = 0;
	while (v >= 1024 && u < 5) v /= 1024, u++;
	if (u == 0) snprintf(out, 32, "%.0f%s", v, units[u]);
	else if (v < 10) snprintf(out, 32, "%.1f%s", v, units[u]);
	else snprintf(out, 32, "%llu%s", (unsigned long long)v, units[u]);
}

int free_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "human", no_argument, NULL, 'h' }, { "kibi", no_argument, NULL, 'k' },
		{ "mebi", no_argument, NULL, 'm' }, { "gibi", no_argument, NULL, 'g' },
		{ "bytes", no_argument, NULL, 'b' }, { "total", no_argument, NULL, 't' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	enum free_unit unit = FREE_K;
	bool total = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "hkmgbt", longopts)) != -1) {
		switch (opt) {
		case 'h': unit = FREE_HUMAN; break;
		case 'k': unit = FREE_K; break;
		case 'm': unit = FREE_M; break;
		case 'g': unit = FREE_G; break;
		case 'b': unit = FREE_B; break;
		case 't': total = true; break;
		case OPT_HELP:
			return box_help("Usage: free [options]\n"
			                "Display the container's memory use (from /proc/meminfo).\n\n"
			                "  -b, --bytes   show output in bytes\n"
			                "  -k, --kibi    show output in kibibytes (the default)\n"
			                "  -m, --mebi    show output in mebibytes\n"
			                "  -g, --gibi    show output in gibibytes\n"
			                "  -h, --human   show human-readable output\n"
			                "  -t, --total   show a Total: line\n");
		default: return box_usage_error(1);
		}
	}
	if (optind < argc)
		return box_usage_fail(1, "extra operand '%s'", argv[optind]);
	meminfo m;
	if (!read_meminfo(&m)) {
		box_perr("cannot read %s/meminfo", proc_root());
		return 1;
	}
	char c[6][32];
	printf("               total        used        free      shared  buff/cache   available\n");
	free_cell(unit, m.total, c[0]);
	free_cell(unit, mem_used(&m), c[1]);
	free_cell(unit, m.free, c[2]);
	free_cell(unit, m.shared, c[3]);
	free_cell(unit, m.buffers + m.cached, c[4]);
	free_cell(unit, m.avail, c[5]);
	printf("%-8s%12s%12s%12s%12s%12s%12s\n", "Mem:", c[0], c[1], c[2], c[3], c[4], c[5]);
	free_cell(unit, m.swap_total, c[0]);
	free_cell(unit, m.swap_total - m.swap_free, c[1]);
	free_cell(unit, m.swap_free, c[2]);
	printf("%-8s%12s%12s%12s\n", "Swap:", c[0], c[1], c[2]);
	if (total) {
		free_cell(unit, m.total + m.swap_total, c[0]);
		free_cell(unit, mem_used(&m) + m.swap_total - m.swap_free, c[1]);
		free_cell(unit, m.free + m.swap_free, c[2]);
		printf("%-8s%12s%12s%12s\n", "Total:", c[0], c[1], c[2]);
	}
	return 0;
}

/* ---- top ---------------------------------------------------------------------- */

typedef struct {
	int pid;
	unsigned long long ticks;
} cpu_sample;

typedef struct {
	const proc_info *p;
	double cpu;
} top_row;

static int by_cpu(const void *a, const void *b) {
	const top_row *x = a, *y = b;
	if (x->cpu != y->cpu) return x->cpu < y->cpu ? 1 : -1;
	return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
}

/* "up 16 min", "up  2:03", "up 1 day,  2:03" (procps's sprint_uptime). */
static void format_uptime(double up, char out[64]) {
	unsigned long long s = up < 0 ? 0 : (unsigned long long)up;
	unsigned long long days = s / 86400, hours = s / 3600 % 24, mins = s / 60 % 60;
	int n = snprintf(out, 64, "up ");
	if (days) n += snprintf(out + n, (size_t)(64 - n), "%llu day%s, ", days, days == 1 ? "" : "s");
	if (hours) snprintf(out + n, (size_t)(64 - n), "%2llu:%02llu", hours, mins);
	else snprintf(out + n, (size_t)(64 - n), "%llu min", mins);
}

/* KiB in at most `width` characters: 41.7g style once it does not fit. */
static void top_mem(unsigned long long kib, int width, char out[16]) {
	snprintf(out, 16, "%llu", kib);
	if ((int)strlen(out) <= width) return;
	static const char units[] = "mgtp";
	double v = (double)kib;
	for (int u = 0; u < 4; u++) {
		v /= 1024;
		snprintf(out, 16, "%.1f%c", v, units[u]);
		if ((int)strlen(out) <= width) return;
	}
}

/* Prints one screen; `prev`/`nprev` are the last sample's tick counts and
 * `elapsed` the seconds since (0 on the first screen: lifetime averages). */
static void top_screen(const proc_info *procs, size_t n, const cpu_sample *prev, size_t nprev, double elapsed,
                       int max_rows) {
	double uptime = proc_uptime();
	char up[64], now_text[16];
	format_uptime(uptime, up);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(now_text, sizeof now_text, "%H:%M:%S", &tm);
	double load[3] = { 0, 0, 0 };
	char *loadavg = proc_read("loadavg", NULL);
	if (loadavg) sscanf(loadavg, "%lf %lf %lf", &load[0], &load[1], &load[2]);
	free(loadavg);
	printf("top - %s %s,  1 user,  load average: %.2f, %.2f, %.2f\n", now_text, up, load[0], load[1], load[2]);

	int running = 0, sleeping = 0, stopped = 0, zombie = 0;
	for (size_t i = 0; i < n; i++) {
		char s = procs[i].state;
		if (s == 'R') running++;
		else if (s == 'T' || s == 't') stopped++;
		else if (s == 'Z') zombie++;
		else sleeping++;
	}
	printf("Tasks:%4zu total,%4d running,%4d sleeping,%4d stopped,%4d zombie\n", n, running, sleeping, stopped, zombie);

	top_row *rows = xcalloc(n, sizeof *rows);
	double busy = 0;
	for (size_t i = 0; i < n; i++) {
		rows[i].p = &procs[i];
		unsigned long long ticks = procs[i].utime + procs[i].stime, before = 0;
		bool known = false;
		for (size_t j = 0; j < nprev; j++)
			if (prev[j].pid == procs[i].pid) before = prev[j].ticks, known = true;
		if (elapsed > 0) {
			rows[i].cpu = (double)(ticks - (known && before <= ticks ? before : 0)) / PROC_HZ / elapsed * 100;
		} else {
			rows[i].cpu = cpu_percent(&procs[i], uptime);
		}
		busy += rows[i].cpu;
	}
	if (busy > 100) busy = 100;
	printf("%%Cpu(s):%5.1f us,%5.1f sy,%5.1f ni,%5.1f id,%5.1f wa,%5.1f hi,%5.1f si,%5.1f st\n", busy, 0.0, 0.0,
	       100 - busy, 0.0, 0.0, 0.0, 0.0);

	meminfo m;
	unsigned long long total_kb = 0;
	if (read_meminfo(&m)) {
		total_kb = m.total;
		printf("MiB Mem :%9.1f total,%9.1f free,%9.1f used,%9.1f buff/cache\n", m.total / 1024.0, m.free / 1024.0,
		       mem_used(&m) / 1024.0, (m.buffers + m.cached) / 1024.0);
		printf("MiB Swap:%9.1f total,%9.1f free,%9.1f used.%9.1f avail Mem\n", m.swap_total / 1024.0,
		       m.swap_free / 1024.0, (m.swap_total - m.swap_free) / 1024.0, m.avail / 1024.0);
	}
	printf("\n  PID USER      PR  NI    VIRT    RES    SHR S  %%CPU  %%MEM     TIME+ COMMAND\n");
	qsort(rows, n, sizeof *rows, by_cpu);
	for (size_t i = 0; i < n && (max_rows < 0 || (int)i < max_rows); i++) {
		const proc_info *p = rows[i].p;
		char user[32], virt[16], res[16], time_plus[32];
		user_name(p->uid, user, sizeof user);
		top_mem(p->vsize / 1024, 7, virt);
		top_mem(p->rss * (PROC_PAGE / 1024), 6, res);
		unsigned long long cs = p->utime + p->stime; /* 100 Hz ticks are centiseconds */
		snprintf(time_plus, sizeof time_plus, "%llu:%02llu.%02llu", cs / 6000, cs / 100 % 60, cs % 100);
		printf("%5d %-8.8s %3s %3d %7s %6s %6s %c %5.1f %5.1f %9s %s\n", p->pid, user, "20", 0, virt, res, "0",
		       p->state, rows[i].cpu, mem_percent(p, total_kb), time_plus, p->comm);
	}
	free(rows);
}

int top_main(int argc, char **argv) {
	static const struct option longopts[] = { BOX_HELP_OPTION, BOX_END_OPTIONS };
	bool batch = false;
	long iterations = -1;
	double delay = 2;
	int opt;
	while ((opt = box_getopt(argc, argv, "bn:d:", longopts)) != -1) {
		switch (opt) {
		case 'b': batch = true; break;
		case 'n':
			if (!parse_long(optarg, &iterations) || iterations < 1)
				return box_usage_fail(1, "bad iterations argument '%s'", optarg);
			break;
		case 'd':
			if (!parse_duration(optarg, &delay) || delay <= 0)
				return box_usage_fail(1, "bad delay interval '%s'", optarg);
			break;
		case OPT_HELP:
			return box_help("Usage: top [-b] [-n NUMBER] [-d SECONDS]\n"
			                "Display the container's processes, refreshed every 2 seconds until\n"
			                "interrupted (Ctrl-C).\n\n"
			                "  -b          batch mode: no screen clearing, every process listed\n"
			                "  -n NUMBER   stop after NUMBER screens (top -b -n 1: one snapshot)\n"
			                "  -d SECONDS  delay between screens (default 2)\n");
		default: return box_usage_error(1);
		}
	}
	if (optind < argc)
		return box_usage_fail(1, "extra operand '%s'", argv[optind]);
	cpu_sample *prev = NULL;
	size_t nprev = 0;
	struct timespec last = {0};
	for (long iteration = 0; iterations < 0 || iteration < iterations; iteration++) {
		if (iteration > 0) {
			struct timespec ts = { .tv_sec = (time_t)delay, .tv_nsec = (long)((delay - floor(delay)) * 1e9) };
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
			}
		}
		size_t n;
		proc_info *procs = list_procs(&n);
		if (!procs) {
			box_perr("cannot open %s", proc_root());
			free(prev);
			return 1;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double elapsed = iteration ? (double)(now.tv_sec - last.tv_sec) + (now.tv_nsec - last.tv_nsec) / 1e9 : 0;
		int rows = -1;
		if (!batch) {
			/* Leave room for the 7 summary lines on the terminal. */
			int columns, height;
			rows = fl_tty_size(1, &columns, &height) == 0 && height > 8 ? height - 8 : 16;
			fputs("\033[H\033[2J", stdout);
		}
		top_screen(procs, n, prev, nprev, elapsed, rows);
		if (batch) putchar('\n');
		if (fflush(stdout) != 0) {
			free_procs(procs, n);
			break; /* the terminal or pipe went away */
		}
		prev = xrealloc(prev, (n ? n : 1) * sizeof *prev);
		for (size_t i = 0; i < n; i++) prev[i] = (cpu_sample){ procs[i].pid, procs[i].utime + procs[i].stime };
		nprev = n;
		last = now;
		free_procs(procs, n);
	}
	free(prev);
	return 0;
}
