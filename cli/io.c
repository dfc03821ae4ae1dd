/* Whole-file input and output for the commands: files or the standard
 * streams, size-bounded, every failure reported with the file name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static bool is_std(const char *path) {
  return path == NULL || strcmp(path, "-") == 0;
}

const char *cli_display_name(const char *path) {
  return is_std(path) ? "<stdin>" : path;
}

bool cli_output_is_terminal(const char *path) {
  return is_std(path) && isatty(STDOUT_FILENO);
}

int cli_read_input(const char *path, char **data, size_t *len) {
  const char *name = cli_display_name(path);
  FILE *f = is_std(path) ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open: %s\n", name, strerror(errno));
    return CLI_EXIT_IO;
  }
  /* The loaders refuse anything over VMIR_TEXT_MAX_BYTES; reading one byte
   * more is enough to tell that the input is too large. */
  const size_t limit = VMIR_TEXT_MAX_BYTES;
  size_t cap = 1u << 16, n = 0;
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
    fprintf(stderr, "%s: input larger than %u bytes\n", name, VMIR_TEXT_MAX_BYTES);
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
  const char *name = is_std(path) ? "<stdout>" : path;
  FILE *f = is_std(path) ? stdout : fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "%s: cannot create: %s\n", name, strerror(errno));
    return CLI_EXIT_IO;
  }
  bool ok = fwrite(data, 1, len, f) == len;
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
