/* vmir verify: checks a program (text or binary) against the root shape of
 * a shape file with the library's verifier. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
  };
  const char *input = NULL;
  size_t npos = 0;
  int rc = cli_parse_args(self, argc, argv, options, 2, &input, 1, &npos);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (!shape_path) return cli_usage_error(self, "missing --shape SHAPE.shape");
  bool program_from_stdin = !input || strcmp(input, "-") == 0;
  if (strcmp(shape_path, "-") == 0 && program_from_stdin)
    return cli_usage_error(self, "the shape and the program cannot both come from stdin");

  vmir_shape_set *shapes = NULL;
  rc = cli_load_shapes(shape_path, &shapes);
  if (rc != CLI_EXIT_OK) return rc;
  const vmir_shape *root = type ? vmir_shape_set_find(shapes, type)
                                : vmir_shape_set_root(shapes);
  if (!root) {
    fprintf(stderr, "%s: shape error: no type named '%s'\n", shape_path, type);
    vmir_shape_set_free(shapes);
    return CLI_EXIT_INVALID;
  }
  vmir_program *program = NULL;
  rc = cli_load_program(input, 0, &program);
  if (rc != CLI_EXIT_OK) {
    vmir_shape_set_free(shapes);
    return rc;
  }
  vmir_error err;
  vmir_error_clear(&err);
  const char *name = cli_display_name(input);
  if (vmir_verify(program, root, &err) == VMIR_OK) {
    printf("ok: %s: %s program, %" PRIu32 " procs, %" PRIu32 " blocks, %" PRIu32
           " instructions, %" PRIu32 " strings, %" PRIu32
           " predicates; shape %s (id %" PRIu64 ")\n",
           name, vmir_program_kind_name(program->kind), program->proc_count,
           program->block_count, program->insn_count, program->string_count,
           program->predicate_count, root->name ? root->name : "(anonymous)",
           program->shape_id);
    rc = CLI_EXIT_OK;
  } else {
    rc = cli_report(name, &err);
  }
  vmir_program_free(program);
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_verify_command = {
  "verify",
  "verify a program (text or binary) against a shape file",
  "usage: vmir verify --shape SHAPE.shape [--type NAME] [PROG|-]\n"
  "\n"
  "Loads a program, text or binary (a binary program starts with the magic\n"
  "\"VMIR\"), from a file or stdin, and runs the verifier against the root\n"
  "shape of SHAPE.shape: ABI, shape id, opcodes allowed for the program's\n"
  "kind, field and variant indexes, balanced navigation. Prints\n"
  "\"ok: ...\" with the program's counts, or the error with its pc\n"
  "(fP:bB:I = proc, block, instruction index).\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE  the shape file (required)\n"
  "  -t, --type NAME   verify against the type NAME of the shape file\n"
  "                    instead of its (root ...)\n"
  "  -h, --help        this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
