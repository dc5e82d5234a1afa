/*
 * sys/applets.h: the system applets of box, one SYS_APPLET(name) per
 * applet; each has `int name_main(int argc, char **argv)` in a sys/ source
 * (box.c defines SYS_APPLET and includes this file, twice: no guard).
 *
 * `true` and `false` are macros of <stdbool.h> (which box.h includes), and
 * SYS_APPLET's argument would be macro-expanded before reaching the ##/#
 * of box.c's inner macros, giving "1_main". Hide them while listing.
 */
#pragma push_macro("true")
#pragma push_macro("false")
#undef true
#undef false

SYS_APPLET(basename)
SYS_APPLET(chmod)
SYS_APPLET(clear)
SYS_APPLET(date)
SYS_APPLET(df)
SYS_APPLET(diff)
SYS_APPLET(dirname)
SYS_APPLET(du)
SYS_APPLET(env)
SYS_APPLET(false)
SYS_APPLET(free)
SYS_APPLET(gunzip)
SYS_APPLET(gzip)
SYS_APPLET(hexdump)
SYS_APPLET(hostname)
SYS_APPLET(id)
SYS_APPLET(kill)
SYS_APPLET(od)
SYS_APPLET(ps)
SYS_APPLET(sleep)
SYS_APPLET(stat)
SYS_APPLET(stty)
SYS_APPLET(tar)
SYS_APPLET(top)
SYS_APPLET(true)
SYS_APPLET(uname)
SYS_APPLET(whoami)
SYS_APPLET(yes)
SYS_APPLET(zcat)

#pragma pop_macro("true")
#pragma pop_macro("false")
