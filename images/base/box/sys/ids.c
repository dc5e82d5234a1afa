/*
 * ids.c: who and where we are — whoami, id, hostname, uname.
 *
 * WASI has no users, so the user is the USER environment variable looked up
 * in /etc/passwd, and root when USER is unset (docs/PROC.md).
 */
#include "sysutil.h"

#include <ctype.h>

typedef struct {
	char name[64];
	unsigned uid, gid;
} user_entry;

/* Finds user `name` in /etc/passwd. */
static bool find_user(const char *name, user_entry *out) {
	FILE *f = fopen("/etc/passwd", "r");
	if (!f) return false;
	char line[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char *fields[4] = {0};
		char *s = line;
		for (int i = 0; i < 4 && s; i++) {
			fields[i] = s;
			s = strchr(s, ':');
			if (s) *s++ = '\0';
		}
		if (!s || strcmp(fields[0], name) != 0) continue;
		char *end1, *end2;
		unsigned long uid = strtoul(fields[2], &end1, 10), gid = strtoul(fields[3], &end2, 10);
		if (*end1 || *end2 || end1 == fields[2] || end2 == fields[3]) continue;
		snprintf(out->name, sizeof out->name, "%s", name);
		out->uid = (unsigned)uid;
		out->gid = (unsigned)gid;
		found = true;
	}
	fclose(f);
	return found;
}

static const char *current_user_name(void) {
	const char *user = getenv("USER");
	return user && *user ? user : "root";
}

/* The current user; root (0/0) when USER names nobody in /etc/passwd. */
static user_entry current_user(void) {
	user_entry u = { "root", 0, 0 };
	if (!find_user(current_user_name(), &u)) {
		if (strcmp(current_user_name(), "root") != 0) snprintf(u.name, sizeof u.name, "%s", current_user_name());
	}
	return u;
}

int whoami_main(int argc, char **argv) {
	if (asks_help(argc, argv)) return box_help("Usage: whoami\nPrint the user name of the current user (USER, or root).\n");
	if (argc > 1)
		return box_usage_fail(1, "extra operand '%s'", argv[1]);
	puts(current_user_name());
	return 0;
}

/* Name of group `gid` from /etc/group, or NULL. Also reports, through
 * `member`, whether `user` is listed among its members. */
static bool group_line(const char *line, char *name, size_t size, unsigned *gid, const char *user, bool *member) {
	/* name:password:gid:member,member */
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2) return false;
	char *end;
	unsigned long value = strtoul(c2 + 1, &end, 10);
	if (end == c2 + 1 || *end != ':') return false;
	snprintf(name, size, "%.*s", (int)(c1 - line), line);
	*gid = (unsigned)value;
	*member = false;
	size_t ulen = strlen(user);
	for (const char *m = end + 1; *m && *m != '\n';) {
		size_t n = strcspn(m, ",\n");
		if (n == ulen && strncmp(m, user, n) == 0) *member = true;
		m += n;
		if (*m == ',') m++;
	}
	return true;
}

static void group_name(unsigned gid, char *out, size_t size) {
	snprintf(out, size, "%u", gid);
	FILE *f = fopen("/etc/group", "r");
	if (!f) return;
	char line[512], name[64];
	unsigned g;
	bool member;
	while (fgets(line, sizeof line, f)) {
		if (group_line(line, name, sizeof name, &g, "", &member) && g == gid) {
			snprintf(out, size, "%s", name);
			break;
		}
	}
	fclose(f);
}

int id_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "user", no_argument, NULL, 'u' }, { "group", no_argument, NULL, 'g' },
		{ "groups", no_argument, NULL, 'G' }, { "name", no_argument, NULL, 'n' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	char which = 0;
	bool names = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "ugGn", longopts)) != -1) {
		switch (opt) {
		case 'u': case 'g': case 'G':
			if (which && which != opt) {
				box_err("cannot print \"only\" of more than one choice");
				return 1;
			}
			which = (char)opt;
			break;
		case 'n': names = true; break;
		case OPT_HELP:
			return box_help("Usage: id [OPTION]... [USER]\n"
			                "Print user and group information for USER, or for the current user.\n\n"
			                "  -g, --group   print only the effective group ID\n"
			                "  -G, --groups  print all group IDs\n"
			                "  -n, --name    print a name instead of a number, for -ugG\n"
			                "  -u, --user    print only the effective user ID\n");
		default: return box_usage_error(1);
		}
	}
	if (names && !which) {
		box_err("cannot print only names or real IDs in default format");
		return 1;
	}
	user_entry u;
	if (optind < argc) {
		if (optind + 1 < argc)
			return box_usage_fail(1, "extra operand '%s'", argv[optind + 1]);
		if (!find_user(argv[optind], &u)) {
			box_err("'%s': no such user", argv[optind]);
			return 1;
		}
	} else {
		u = current_user();
	}
	char gname[64];
	group_name(u.gid, gname, sizeof gname);

	/* Groups: the primary one, then every /etc/group entry listing the user. */
	unsigned gids[32];
	char gnames[32][64];
	size_t ngroups = 0;
	gids[ngroups] = u.gid;
	snprintf(gnames[ngroups++], 64, "%s", gname);
	FILE *f = fopen("/etc/group", "r");
	if (f) {
		char line[512], name[64];
		unsigned g;
		bool member;
		while (ngroups < 32 && fgets(line, sizeof line, f)) {
			if (group_line(line, name, sizeof name, &g, u.name, &member) && member && g != u.gid) {
				gids[ngroups] = g;
				snprintf(gnames[ngroups++], 64, "%s", name);
			}
		}
		fclose(f);
	}

	if (which == 'u') {
		if (names) puts(u.name);
		else printf("%u\n", u.uid);
	} else if (which == 'g') {
		if (names) puts(gname);
		else printf("%u\n", u.gid);
	} else if (which == 'G') {
		for (size_t i = 0; i < ngroups; i++) {
			if (names) printf(i ? " %s" : "%s", gnames[i]);
			else printf(i ? " %u" : "%u", gids[i]);
		}
		putchar('\n');
	} else {
		printf("uid=%u(%s) gid=%u(%s) groups=", u.uid, u.name, u.gid, gname);
		for (size_t i = 0; i < ngroups; i++) printf("%s%u(%s)", i ? "," : "", gids[i], gnames[i]);
		putchar('\n');
	}
	return 0;
}

/* First line of a file, trimmed of trailing whitespace; NULL if unreadable or empty. */
static char *first_line(char *text) {
	if (!text) return NULL;
	text[strcspn(text, "\n")] = '\0';
	size_t n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1])) text[--n] = '\0';
	if (n == 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The host name: /etc/hostname, then HOSTNAME, then the kernel's. */
static char *host_name(void) {
	char *name = first_line(read_file("/etc/hostname", NULL));
	if (!name) {
		const char *env = getenv("HOSTNAME");
		if (env && *env) name = xstrdup(env);
	}
	if (!name) name = first_line(proc_read("sys/kernel/hostname", NULL));
	return name ? name : xstrdup("localhost");
}

int hostname_main(int argc, char **argv) {
	if (asks_help(argc, argv)) {
		return box_help("Usage: hostname [-s]\n"
		                "Print the container's host name (from /etc/hostname).\n\n"
		                "  -s, --short   print the part before the first dot\n");
	}
	bool short_name = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--short") == 0) {
			short_name = true;
		} else if (argv[i][0] == '-') {
			return box_usage_fail(1, "invalid option -- '%s'", argv[i] + 1);
		} else {
			box_err("you must be root to change the host name");
			return 1;
		}
	}
	char *name = host_name();
	if (short_name) name[strcspn(name, ".")] = '\0';
	puts(name);
	free(name);
	return 0;
}

/* ---- uname ----------------------------------------------------------------- */

static char *kernel_field(const char *rel, const char *fallback) {
	char *value = first_line(proc_read(rel, NULL));
	return value ? value : xstrdup(fallback);
}

int uname_main(int argc, char **argv) {
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' }, { "kernel-name", no_argument, NULL, 's' },
		{ "nodename", no_argument, NULL, 'n' }, { "kernel-release", no_argument, NULL, 'r' },
		{ "kernel-version", no_argument, NULL, 'v' }, { "machine", no_argument, NULL, 'm' },
		{ "processor", no_argument, NULL, 'p' }, { "hardware-platform", no_argument, NULL, 'i' },
		{ "operating-system", no_argument, NULL, 'o' }, BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	enum { S = 1, N = 2, R = 4, V = 8, M = 16, P = 32, I = 64, O = 128 };
	unsigned want = 0;
	bool all = false;
	int opt;
	while ((opt = box_getopt(argc, argv, "asnrvmpio", longopts)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 's': want |= S; break;
		case 'n': want |= N; break;
		case 'r': want |= R; break;
		case 'v': want |= V; break;
		case 'm': want |= M; break;
		case 'p': want |= P; break;
		case 'i': want |= I; break;
		case 'o': want |= O; break;
		case OPT_HELP:
			return box_help("Usage: uname [OPTION]...\n"
			                "Print system information. With no OPTION, same as -s.\n\n"
			                "  -a, --all                print all information, except omit -p and -i if unknown\n"
			                "  -s, --kernel-name        print the kernel name\n"
			                "  -n, --nodename           print the network node hostname\n"
			                "  -r, --kernel-release     print the kernel release\n"
			                "  -v, --kernel-version     print the kernel version\n"
			                "  -m, --machine            print the machine hardware name\n"
			                "  -p, --processor          print the processor type\n"
			                "  -i, --hardware-platform  print the hardware platform\n"
			                "  -o, --operating-system   print the operating system\n");
		default: return box_usage_error(1);
		}
	}
	if (optind < argc)
		return box_usage_fail(1, "extra operand '%s'", argv[optind]);
	if (all) want |= S | N | R | V | M | O;
	if (!want) want = S;
	char *fields[8] = {
		kernel_field("sys/kernel/ostype", "Flotilla"),
		kernel_field("sys/kernel/hostname", "localhost"),
		kernel_field("sys/kernel/osrelease", "unknown"),
		kernel_field("sys/kernel/version", "unknown"),
		xstrdup("wasm32"),
		xstrdup("unknown"),
		xstrdup("unknown"),
		kernel_field("sys/kernel/ostype", "Flotilla"),
	};
	bool first = true;
	for (int i = 0; i < 8; i++) {
		/* -a leaves out the unknown processor and platform, like GNU uname. */
		bool explicit_bit = want & (1u << i);
		if (explicit_bit && !(all && (i == 5 || i == 6) && strcmp(fields[i], "unknown") == 0)) {
			printf("%s%s", first ? "" : " ", fields[i]);
			first = false;
		}
		free(fields[i]);
	}
	putchar('\n');
	return 0;
}
