/*
 * sys/applets.h: the system applets of box (ps, kill, df, ...).
 *
 * PLACEHOLDER written by the owner of box.c because this file did not exist
 * yet; the sys applets owner fills it in and owns it from then on.
 *
 * X-macro list: box.c defines SYS_APPLET(name) and includes this file (so it
 * has no include guard); each entry needs a function
 *     int name_main(int argc, char **argv);
 * in sys/*.c. Example entries:
 *     SYS_APPLET(ps)
 *     SYS_APPLET(kill)
 * (box.c also accepts the other X-macro style: `#define SYS_APPLETS(X) X(ps) X(kill)`.)
 */
#ifndef SYS_APPLET
#define SYS_APPLET(name)
#endif
