// fileio: small file-system operations for tests of container file systems
// (isolation between containers, writable layer over the image, errors).
//
//   fileio CMD ARGS... [';' CMD ARGS...]...
//
//   write PATH TEXT     create/truncate PATH and write TEXT (no newline added)
//   append PATH TEXT    append TEXT to PATH (created if missing)
//   cat PATH            copy PATH to stdout
//   ls DIR              names in DIR, sorted, one per line; '/' after directories, '@' after symlinks
//   mkdir PATH          create a directory (mode 0755)
//   rm PATH             remove a file, symlink or empty directory
//   stat PATH           "size=N type=file|directory|symlink|other" (lstat: links are not followed)
//   mv FROM TO          rename
//   symlink TARGET PATH create a symbolic link
//   readlink PATH       print a symlink's target
//
// Several commands can run in one process, separated by a ';' argument.
// Exit status: 0 on success, 1 when an operation fails (a perror-style
// message "fileio: CMD PATH: reason" goes to stderr), 2 on a usage error.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *cmd, const char *path) {
  fprintf(stderr, "fileio: %s %s: %s\n", cmd, path, strerror(errno));
  return 1;
}

static int write_all(int fd, const char *data, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, data, length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += n;
    length -= (size_t)n;
  }
  return 0;
}

static int do_write(const char *cmd, const char *path, const char *text, int flags) {
  int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
  if (fd < 0) return fail(cmd, path);
  if (write_all(fd, text, strlen(text)) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return fail(cmd, path);
  }
  if (close(fd) != 0) return fail(cmd, path);
  return 0;
}

static int do_cat(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return fail("cat", path);
  char buffer[8192];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      close(fd);
      errno = saved;
      return fail("cat", path);
    }
    if (write_all(STDOUT_FILENO, buffer, (size_t)n) != 0) {
      close(fd);
      return fail("cat", "(stdout)");
    }
  }
  close(fd);
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_ls(const char *path) {
  DIR *dir = opendir(path);
  if (!dir) return fail("ls", path);
  size_t count = 0, capacity = 16;
  char **names = malloc(capacity * sizeof *names);
  struct dirent *entry;
  errno = 0;
  while (names && (entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    if (count == capacity) {
      char **grown = realloc(names, (capacity *= 2) * sizeof *names);
      if (!grown) break;
      names = grown;
    }
    // d_type is filled from fd_readdir; fall back to lstat if it is unknown.
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      char full[PATH_MAX];
      struct stat st;
      snprintf(full, sizeof full, "%s/%s", path, entry->d_name);
      if (lstat(full, &st) == 0) type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
    }
    size_t length = strlen(entry->d_name);
    char *name = malloc(length + 2);
    if (!name) break;
    memcpy(name, entry->d_name, length);
    name[length] = type == DT_DIR ? '/' : type == DT_LNK ? '@' : '\0';
    name[length + 1] = '\0';
    names[count++] = name;
    errno = 0;
  }
  int failed = errno != 0 || !names;
  closedir(dir);
  if (failed) {
    for (size_t i = 0; i < count; i++) free(names[i]);
    free(names);
    return fail("ls", path);
  }
  qsort(names, count, sizeof *names, compare_names);
  for (size_t i = 0; i < count; i++) {
    puts(names[i]);
    free(names[i]);
  }
  free(names);
  return 0;
}

static int do_stat(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return fail("stat", path);
  const char *type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ? "symlink" : "other";
  printf("size=%lld type=%s\n", (long long)st.st_size, type);
  return 0;
}

static int do_readlink(const char *path) {
  char target[PATH_MAX];
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n < 0) return fail("readlink", path);
  target[n] = '\0';
  puts(target);
  return 0;
}

struct command {
  const char *name;
  int args;
};

static const struct command COMMANDS[] = {
  {"write", 2}, {"append", 2}, {"cat", 1}, {"ls", 1}, {"mkdir", 1}, {"rm", 1},
  {"stat", 1}, {"mv", 2}, {"symlink", 2}, {"readlink", 1},
};

static int usage(const char *detail) {
  fprintf(stderr, "fileio: %s\nusage: fileio CMD ARGS... [';' CMD ARGS...]\n"
          "commands: write PATH TEXT | append PATH TEXT | cat PATH | ls DIR | mkdir PATH | rm PATH |\n"
          "          stat PATH | mv FROM TO | symlink TARGET PATH | readlink PATH\n", detail);
  return 2;
}

static int run(const char *cmd, char **a) {
  if (strcmp(cmd, "write") == 0) return do_write(cmd, a[0], a[1], O_TRUNC);
  if (strcmp(cmd, "append") == 0) return do_write(cmd, a[0], a[1], O_APPEND);
  if (strcmp(cmd, "cat") == 0) return do_cat(a[0]);
  if (strcmp(cmd, "ls") == 0) return do_ls(a[0]);
  if (strcmp(cmd, "mkdir") == 0) return mkdir(a[0], 0755) == 0 ? 0 : fail(cmd, a[0]);
  if (strcmp(cmd, "rm") == 0) return remove(a[0]) == 0 ? 0 : fail(cmd, a[0]);
  if (strcmp(cmd, "stat") == 0) return do_stat(a[0]);
  if (strcmp(cmd, "mv") == 0) return rename(a[0], a[1]) == 0 ? 0 : fail(cmd, a[0]);
  if (strcmp(cmd, "symlink") == 0) return symlink(a[0], a[1]) == 0 ? 0 : fail(cmd, a[1]);
  return do_readlink(a[0]);
}

int main(int argc, char **argv) {
  if (argc < 2) return usage("no command");
  // Validate the whole command line first: a typo must not leave half the
  // operations done.
  for (int i = 1; i < argc;) {
    const struct command *found = NULL;
    for (size_t c = 0; c < sizeof COMMANDS / sizeof *COMMANDS; c++) {
      if (strcmp(argv[i], COMMANDS[c].name) == 0) found = &COMMANDS[c];
    }
    if (!found) {
      char detail[128];
      snprintf(detail, sizeof detail, "unknown command '%s'", argv[i]);
      return usage(detail);
    }
    if (i + found->args >= argc) {
      char detail[128];
      snprintf(detail, sizeof detail, "'%s' needs %d argument(s)", found->name, found->args);
      return usage(detail);
    }
    i += 1 + found->args;
    if (i < argc) {
      if (strcmp(argv[i], ";") != 0) return usage("commands must be separated by ';'");
      i++;
      if (i == argc) return usage("nothing after ';'");
    }
  }
  for (int i = 1; i < argc;) {
    int args = 0;
    for (size_t c = 0; c < sizeof COMMANDS / sizeof *COMMANDS; c++) {
      if (strcmp(argv[i], COMMANDS[c].name) == 0) args = COMMANDS[c].args;
    }
    fflush(stdout);
    if (run(argv[i], &argv[i + 1]) != 0) return 1;
    i += 1 + args + 1;
  }
  return 0;
}
