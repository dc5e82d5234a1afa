/* touch: create empty files or bring their times up to now. */
#include "box.h"

#include <fcntl.h>
#include <unistd.h>

static const char touch_usage[] =
	"Usage: touch [-acm] FILE...\n"
	"Update the access and modification times of each FILE to now;\n"
	"a FILE that does not exist is created empty.\n\n"
	"  -c  do not create any files\n"
	"  -a  change only the access time\n"
	"  -m  change only the modification time\n";

int touch_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-create", no_argument, NULL, 'c' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	bool create = true, atime = false, mtime = false;
	int c;
	while ((c = box_getopt(argc, argv, "cam", longopts)) != -1) {
		switch (c) {
		case 'c': create = false; break;
		case 'a': atime = true; break;
		case 'm': mtime = true; break;
		case OPT_HELP: return box_help(touch_usage);
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc)
		return box_usage_fail(1, "missing file operand");
	if (!atime && !mtime)
		atime = mtime = true;
	struct timespec times[2] = {
		{ .tv_nsec = atime ? UTIME_NOW : UTIME_OMIT },
		{ .tv_nsec = mtime ? UTIME_NOW : UTIME_OMIT },
	};
	int status = 0;
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		struct stat st;
		if (stat(path, &st) != 0) {
			if (!create)
				continue;
			int fd = open(path, O_WRONLY | O_CREAT, 0666);
			if (fd < 0) {
				box_perr("cannot touch '%s'", path);
				status = 1;
				continue;
			}
			close(fd);
			continue;
		}
		if (utimensat(AT_FDCWD, path, times, 0) != 0) {
			box_perr("setting times of '%s'", path);
			status = 1;
		}
	}
	return status;
}
