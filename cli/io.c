/* Whole-file input and output for the commands: files or the standard
 * streams, size-bounded, every failure reported with the file name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

bool cli_is_std(const char *path) {
  return path == NULL || strcmp(path, "-") == 0;
}

/* A first buffer size: one byte more than the file when it is a regular
 * file (a single read sees its end, no regrowth for large documents), else
 * 64 KiB; 0 for a regular file over the limit (refused unread). */
static size_t initial_capacity(FILE *f, size_t limit) {
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    uint64_t size = (uint64_t)st.st_size;
    return size <= (uint64_t)limit ? (size_t)size + 1 : 0;
  }
  return (size_t)1 << 16;
}

const char *cli_display_name(const char *path) {
  return cli_is_std(path) ? "<stdin>" : path;
}

bool cli_output_is_terminal(const char *path) {
  return cli_is_std(path) && isatty(STDOUT_FILENO);
}

int cli_read_input(const char *path, char **data, size_t *len) {
  return cli_read_input_max(path, VMIR_TEXT_MAX_BYTES, data, len);
}

int cli_read_input_max(const char *path, size_t limit, char **data, size_t *len) {
  const char *name = cli_display_name(path);
  FILE *f = cli_is_std(path) ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open: %s\n", name, strerror(errno));
    return CLI_EXIT_IO;
  }
  /* The loaders refuse anything over the limit; reading one byte more is
   * enough to tell that the input is too large. */
  size_t cap = initial_capacity(f, limit), n = 0;
  if (cap == 0) {
    fprintf(stderr, "%s: limit error: input larger than %zu bytes\n", name, limit);
    if (f != stdin) fclose(f);
    return CLI_EXIT_INVALID;
  }
  char *buf = malloc(cap + 1);
  int rc = CLI_EXIT_OK;
  while (buf) {
    if (n == cap) {
      if (cap > limit) break;
      size_t grown_cap = cap * 2;
      char *grown = realloc(buf, grown_cap + 1);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap = grown_cap;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (!buf) {
    fprintf(stderr, "%s: out of memory while reading\n", name);
    rc = CLI_EXIT_IO;
  } else if (ferror(f)) {
    fprintf(stderr, "%s: read error: %s\n", name, strerror(errno));
    rc = CLI_EXIT_IO;
  } else if (n > limit) {
    fprintf(stderr, "%s: limit error: input larger than %zu bytes\n", name, limit);
    rc = CLI_EXIT_INVALID;
  }
  if (f != stdin) fclose(f);
  if (rc != CLI_EXIT_OK) {
    free(buf);
    return rc;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return CLI_EXIT_OK;
}

int cli_write_output(const char *path, const void *data, size_t len) {
  return cli_write_output2(path, data, len, NULL, 0);
}

int cli_write_output2(const char *path, const void *data, size_t len,
                      const char *tail, size_t tail_len) {
  const char *name = cli_is_std(path) ? "<stdout>" : path;
  FILE *f = cli_is_std(path) ? stdout : fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "%s: cannot create: %s\n", name, strerror(errno));
    return CLI_EXIT_IO;
  }
  errno = 0;
  bool ok = fwrite(data, 1, len, f) == len;
  if (ok && tail && tail_len) ok = fwrite(tail, 1, tail_len, f) == tail_len;
  int saved = errno;
  /* Close (or flush) and check: a full disk shows up only there. */
  if (f == stdout) {
    ok = fflush(f) == 0 && ok;
  } else {
    ok = fclose(f) == 0 && ok;
  }
  if (!ok) {
    fprintf(stderr, "%s: write error: %s\n", name, strerror(saved ? saved : errno));
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}
