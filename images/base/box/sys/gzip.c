/*
 * gzip.c: gzip, gunzip and zcat over deflate.c.
 *
 * Compression writes fixed-Huffman blocks (or stored ones), so files come
 * out larger than GNU gzip's but any gunzip reads them; decompression
 * handles everything GNU gzip writes. Exit status as GNU gzip: 0 ok,
 * 1 error, 2 warning (such as an existing output file or unknown suffix).
 */
#include "deflate.h"
#include "sysutil.h"

#include <unistd.h>

typedef struct {
	bool decompress, to_stdout, keep, force, verbose;
	int status;
} gzip_opts;

static void gz_warn(gzip_opts *o) {
	if (o->status == 0) o->status = 2;
}

static int read_stream(FILE *f, buf_t *b) {
	return buf_read_all(b, f);
}

static bool write_all(FILE *f, const void *data, size_t len) {
	return fwrite(data, 1, len, f) == len && fflush(f) == 0;
}

/* Output name: FILE.gz, or FILE without .gz/.tgz/.z when decompressing. */
static char *output_name(gzip_opts *o, const char *path) {
	size_t len = strlen(path);
	if (!o->decompress) {
		if (len > 3 && strcmp(path + len - 3, ".gz") == 0) {
			box_err("%s already has .gz suffix -- unchanged", path);
			gz_warn(o);
			return NULL;
		}
		char *name = xmalloc(len + 4);
		snprintf(name, len + 4, "%s.gz", path);
		return name;
	}
	if (len > 3 && strcmp(path + len - 3, ".gz") == 0) {
		char *name = xstrdup(path);
		name[len - 3] = '\0';
		return name;
	}
	if (len > 4 && strcmp(path + len - 4, ".tgz") == 0) {
		char *name = xstrdup(path);
		strcpy(name + len - 4, ".tar");
		return name;
	}
	if (len > 2 && strcmp(path + len - 2, ".z") == 0) {
		char *name = xstrdup(path);
		name[len - 2] = '\0';
		return name;
	}
	box_err("%s: unknown suffix -- ignored", path);
	gz_warn(o);
	return NULL;
}

/* Transforms `in` into `out`; false (message printed) on bad data. */
static bool transform(gzip_opts *o, const char *label, const buf_t *in, buf_t *out, const char *name, uint32_t mtime) {
	if (!o->decompress) {
		gzip_compress(out, (const unsigned char *)in->data, in->len, name, mtime);
		return true;
	}
	const char *error = gzip_decompress(out, (const unsigned char *)in->data, in->len);
	if (error && strncmp(error, "decompression OK", 16) == 0) {
		box_err("%s: %s", label, error);
		gz_warn(o);
		return true;
	}
	if (error) {
		box_err("%s: %s", label, error);
		o->status = 1;
		return false;
	}
	return true;
}

static void process_stdin(gzip_opts *o) {
	if (!o->decompress && !o->force && isatty(STDOUT_FILENO)) {
		box_err("compressed data not written to a terminal. Use -f to force compression.");
		box_err("For help, type: %s -h", applet_name);
		o->status = 1;
		return;
	}
	buf_t in = {0}, out = {0};
	if (read_stream(stdin, &in) != 0) {
		box_perr("stdin");
		o->status = 1;
	} else if (transform(o, "stdin", &in, &out, NULL, 0) && !write_all(stdout, out.data, out.len)) {
		box_perr("stdout");
		o->status = 1;
	}
	buf_free(&in);
	buf_free(&out);
}

static void process_file(gzip_opts *o, const char *path) {
	if (strcmp(path, "-") == 0) {
		process_stdin(o);
		return;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		box_perr("%s", path);
		o->status = 1;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		box_err("%s is a directory -- ignored", path);
		gz_warn(o);
		return;
	}
	char *target = o->to_stdout ? NULL : output_name(o, path);
	if (!o->to_stdout && !target) return;
	struct stat existing;
	if (target && !o->force && stat(target, &existing) == 0) {
		box_err("%s already exists; not overwritten", target);
		gz_warn(o);
		free(target);
		return;
	}
	FILE *f = fopen(path, "rb");
	buf_t in = {0}, out = {0};
	if (!f || read_stream(f, &in) != 0) {
		box_perr("%s", path);
		o->status = 1;
		goto done;
	}
	char *base = base_name(path);
	bool ok = transform(o, path, &in, &out, base, (uint32_t)st.st_mtim.tv_sec);
	free(base);
	if (!ok) goto done;
	if (o->to_stdout) {
		if (!write_all(stdout, out.data, out.len)) {
			box_perr("stdout");
			o->status = 1;
		}
		goto done;
	}
	FILE *w = fopen(target, "wb");
	if (!w || fwrite(out.data, 1, out.len, w) != out.len || fclose(w) != 0) {
		box_perr("%s", target);
		o->status = 1;
		goto done;
	}
	if (o->verbose) {
		double ratio = in.len ? 100.0 - 100.0 * (double)(o->decompress ? in.len : out.len) / (double)(o->decompress ? out.len : in.len) : 0;
		fprintf(stderr, "%s:\t%5.1f%% -- replaced with %s\n", path, ratio, target);
	}
	if (!o->keep && unlink(path) != 0) {
		box_perr("%s", path);
		o->status = 1;
	}
done:
	if (f) fclose(f);
	buf_free(&in);
	buf_free(&out);
	free(target);
}

static int gzip_common(int argc, char **argv, gzip_opts o) {
	static const struct option longopts[] = {
		{ "stdout", no_argument, NULL, 'c' }, { "to-stdout", no_argument, NULL, 'c' },
		{ "decompress", no_argument, NULL, 'd' }, { "uncompress", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' }, { "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' }, { "name", no_argument, NULL, 'N' },
		{ "no-name", no_argument, NULL, 'n' }, { "fast", no_argument, NULL, '1' },
		{ "best", no_argument, NULL, '9' }, { "quiet", no_argument, NULL, 'q' },
		BOX_HELP_OPTION, BOX_END_OPTIONS,
	};
	int opt;
	while ((opt = box_getopt(argc, argv, "cdkfvNnq123456789", longopts)) != -1) {
		switch (opt) {
		case 'c': o.to_stdout = true; break;
		case 'd': o.decompress = true; break;
		case 'k': o.keep = true; break;
		case 'f': o.force = true; break;
		case 'v': o.verbose = true; break;
		case 'q': o.verbose = false; break;
		case 'N': case 'n': break;
		case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': break;
		case OPT_HELP:
			return box_help("Usage: gzip [OPTION]... [FILE]...\n"
			                "       gunzip [OPTION]... [FILE]...     zcat [FILE]...\n"
			                "Compress or uncompress FILEs (by default, compress FILES in-place).\n\n"
			                "  -c, --stdout      write on standard output, keep original files unchanged\n"
			                "  -d, --decompress  decompress\n"
			                "  -f, --force       force overwrite of output file and compress links\n"
			                "  -k, --keep        keep (don't delete) input files\n"
			                "  -v, --verbose     verbose mode\n"
			                "  -1 ... -9         accepted; Flotilla's gzip always uses fixed-Huffman\n"
			                "                    blocks (smaller files need GNU gzip's dynamic codes)\n\n"
			                "With no FILE, or when FILE is -, read standard input.\n");
		default: return box_usage_error(1);
		}
	}
	if (optind >= argc) process_stdin(&o);
	for (int i = optind; i < argc; i++) process_file(&o, argv[i]);
	return o.status;
}

int gzip_main(int argc, char **argv) {
	return gzip_common(argc, argv, (gzip_opts){0});
}

int gunzip_main(int argc, char **argv) {
	return gzip_common(argc, argv, (gzip_opts){ .decompress = true });
}

int zcat_main(int argc, char **argv) {
	return gzip_common(argc, argv, (gzip_opts){ .decompress = true, .to_stdout = true });
}
