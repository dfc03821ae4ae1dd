/* vmir shape-id: the stable 64-bit id of a shape file's root shape, the
 * value a program's (shape-id N) must carry. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *type = NULL;
  bool hex = false;
  const cli_option options[] = {
    {"hex", 'x', NULL, &hex},
    {"type", 't', &type, NULL},
  };
  const char *input = NULL;
  size_t npos = 0;
  int rc = cli_parse_args(self, argc, argv, options, 2, &input, 1, &npos);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (npos == 0) return cli_usage_error(self, "missing SHAPE.shape ('-' for stdin)");

  vmir_shape_set *shapes = NULL;
  rc = cli_load_shapes(input, &shapes);
  if (rc != CLI_EXIT_OK) return rc;
  const char *name = cli_display_name(input);
  const vmir_shape *shape = type ? vmir_shape_set_find(shapes, type)
                                 : vmir_shape_set_root(shapes);
  if (!shape) {
    fprintf(stderr, "%s: shape error: no type named '%s'\n", name, type);
    vmir_shape_set_free(shapes);
    return CLI_EXIT_INVALID;
  }
  /* An id is only meaningful for a shape the verifier would accept. */
  vmir_error err;
  vmir_error_clear(&err);
  if (vmir_shape_validate(shape, &err) != VMIR_OK) {
    rc = cli_report(name, &err);
    vmir_shape_set_free(shapes);
    return rc;
  }
  uint64_t id = vmir_shape_id(shape);
  if (hex)
    printf("0x%016" PRIx64 "\n", id);
  else
    printf("%" PRIu64 "\n", id);
  vmir_shape_set_free(shapes);
  return CLI_EXIT_OK;
}

const cli_command cli_shape_id_command = {
  "shape-id",
  "print the id of a shape file's root shape",
  "usage: vmir shape-id [--hex] [--type NAME] SHAPE.shape\n"
  "\n"
  "Loads a shape file ('-' for stdin), validates its root shape and prints\n"
  "the shape's stable 64-bit id: the value of a program's (shape-id N).\n"
  "\n"
  "Options:\n"
  "  -x, --hex         print the id as 0x followed by 16 hex digits\n"
  "  -t, --type NAME   the id of the type NAME instead of the root\n"
  "  -h, --help        this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
