/* Loading programs (text or binary, told apart by the binary magic) and
 * shape files, with every failure reported against the file it came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_is_binary_program(const char *data, size_t len) {
  return len >= 4 && memcmp(data, "VMIR", 4) == 0;
}

int cli_program_from_bytes(const char *name, const char *data, size_t len,
                           int want, vmir_program **out) {
  bool binary = cli_is_binary_program(data, len);
  if (want == 't' && binary) {
    fprintf(stderr, "%s: byte 0: invalid input: this is a binary program "
            "(magic \"VMIR\"), expected text\n", name);
    return CLI_EXIT_INVALID;
  }
  if (want == 'b' && !binary) {
    fprintf(stderr, "%s: byte 0: invalid input: not a binary program "
            "(no \"VMIR\" magic)\n", name);
    return CLI_EXIT_INVALID;
  }
  vmir_error err;
  vmir_error_clear(&err);
  vmir_program *program =
      binary ? vmir_program_decode_binary((const uint8_t *)data, len, &err)
             : vmir_program_parse_text(data, len, name, &err);
  if (!program) {
    if (err.code == VMIR_OK) {
      err.code = VMIR_E_NOMEM;
      snprintf(err.message, sizeof err.message, "out of memory");
    }
    return cli_report(name, &err);
  }
  *out = program;
  return CLI_EXIT_OK;
}

int cli_load_program(const char *path, int want, vmir_program **out) {
  char *data = NULL;
  size_t len = 0;
  int rc = cli_read_input(path, &data, &len);
  if (rc != CLI_EXIT_OK) return rc;
  rc = cli_program_from_bytes(cli_display_name(path), data, len, want, out);
  free(data);
  return rc;
}

int cli_load_shapes(const char *path, vmir_shape_set **out) {
  const char *name = cli_display_name(path);
  char *data = NULL;
  size_t len = 0;
  int rc = cli_read_input(path, &data, &len);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_error err;
  vmir_error_clear(&err);
  vmir_shape_set *set = vmir_shape_text_parse(data, len, name, &err);
  free(data);
  if (!set) {
    if (err.code == VMIR_OK) {
      err.code = VMIR_E_NOMEM;
      snprintf(err.message, sizeof err.message, "out of memory");
    }
    return cli_report(name, &err);
  }
  if (!vmir_shape_set_root(set)) {
    fprintf(stderr, "%s: shape error: the file names no (root NAME)\n", name);
    vmir_shape_set_free(set);
    return CLI_EXIT_INVALID;
  }
  *out = set;
  return CLI_EXIT_OK;
}

int cli_load_shape_type(const char *path, const char *type,
                        vmir_shape_set **set, const vmir_shape **shape) {
  vmir_shape_set *s = NULL;
  int rc = cli_load_shapes(path, &s);
  if (rc != CLI_EXIT_OK) return rc;
  const char *name = cli_display_name(path);
  const vmir_shape *found = type ? vmir_shape_set_find(s, type) : vmir_shape_set_root(s);
  if (!found) {
    fprintf(stderr, "%s: shape error: no type named '%s'\n", name, type);
    vmir_shape_set_free(s);
    return CLI_EXIT_INVALID;
  }
  vmir_error err;
  vmir_error_clear(&err);
  if (vmir_shape_validate(found, &err) != VMIR_OK) {
    rc = cli_report(name, &err);
    vmir_shape_set_free(s);
    return rc;
  }
  *set = s;
  *shape = found;
  return CLI_EXIT_OK;
}

int cli_convert_program(const cli_command *cmd, int argc, char **argv, int want,
                        bool binary_output, cli_program_render render,
                        const char *doing) {
  const char *out = NULL;
  const cli_option options[] = {{"output", 'o', &out, NULL}};
  const char *input = NULL;
  size_t npos = 0;
  int rc = cli_parse_args(cmd, argc, argv, options, 1, &input, 1, &npos);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  /* Binary on a terminal helps nobody and can upset it. */
  if (binary_output && cli_output_is_terminal(out))
    return cli_usage_error(cmd, "refusing to write binary to a terminal; use -o FILE");

  vmir_program *program = NULL;
  rc = cli_load_program(input, want, &program);
  if (rc != CLI_EXIT_OK) return rc;
  size_t len = 0;
  void *rendered = render(program, &len);
  vmir_program_free(program);
  if (!rendered) {
    fprintf(stderr, "%s: out of memory while %s\n", cli_display_name(input), doing);
    return CLI_EXIT_IO;
  }
  rc = cli_write_output(out, rendered, len);
  free(rendered);
  return rc;
}
