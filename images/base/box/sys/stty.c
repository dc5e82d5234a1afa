/*
 * stty: terminal settings. WASI has no termios; Flotilla's line discipline
 * lives in the terminal, so stty reports what programs can see (the size,
 * through the tty_get_size extension) and accepts nothing else.
 *
 *   stty size      rows and columns, "24 80"
 *   stty [-a]      a summary line like GNU's first line of `stty -a`
 */
#include "box.h"

#include <flotilla.h>

static const char stty_usage[] =
	"Usage: stty [-a | size]\n"
	"Print the size of the terminal on standard input.\n\n"
	"  size  print the number of rows and columns\n"
	"  -a    print all settings Flotilla knows (speed, rows, columns)\n";

int stty_main(int argc, char **argv)
{
	static const struct option longopts[] = { BOX_HELP_OPTION, BOX_END_OPTIONS };
	int c;
	bool all = false;
	while ((c = box_getopt(argc, argv, "a", longopts)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == OPT_HELP)
			return box_help(stty_usage);
		else
			return box_usage_error(1);
	}
	if (optind < argc && strcmp(argv[optind], "size") != 0)
		return box_usage_fail(1, "invalid argument '%s'", argv[optind]);
	int32_t columns = 0, rows = 0;
	int32_t err = flotilla_tty_get_size(0, &columns, &rows);
	if (err != 0) {
		box_err("'standard input': Inappropriate ioctl for device");
		return 1;
	}
	if (optind < argc)
		printf("%d %d\n", (int)rows, (int)columns);
	else
		printf("speed 38400 baud; rows %d; columns %d;%s\n", (int)rows, (int)columns, all ? " line = 0;" : "");
	return 0;
}
