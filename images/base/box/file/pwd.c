/* pwd: print the working directory (box adopted the shell's PWD at start). */
#include "box.h"

#include <unistd.h>

static const char pwd_usage[] =
	"Usage: pwd [-LP]\n"
	"Print the full name of the current working directory.\n\n"
	"  -L  use PWD from the environment, even if it contains symlinks\n"
	"  -P  print the physical directory (default)\n";

int pwd_main(int argc, char **argv)
{
	static const struct option longopts[] = { BOX_HELP_OPTION, BOX_END_OPTIONS };
	bool logical = false;
	int c;
	while ((c = box_getopt(argc, argv, "LP", longopts)) != -1) {
		switch (c) {
		case 'L': logical = true; break;
		case 'P': logical = false; break;
		case OPT_HELP: return box_help(pwd_usage);
		default: return box_usage_error(1);
		}
	}
	const char *pwd = getenv("PWD");
	struct stat a, b;
	if (logical && pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
		a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
		puts(pwd);
		return 0;
	}
	char buf[4096];
	if (!getcwd(buf, sizeof buf)) {
		box_perr("error retrieving current directory");
		return 1;
	}
	puts(buf);
	return 0;
}
