/* vmir asm: program text -> canonical binary form. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *out = NULL;
  const cli_option options[] = {{"output", 'o', &out, NULL}};
  const char *input = NULL;
  size_t npos = 0;
  int rc = cli_parse_args(self, argc, argv, options, 1, &input, 1, &npos);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  /* Binary on a terminal helps nobody and can upset it. */
  if (cli_output_is_terminal(out))
    return cli_usage_error(self, "refusing to write binary to a terminal; use -o FILE");

  vmir_program *program = NULL;
  rc = cli_load_program(input, 't', &program);
  if (rc != CLI_EXIT_OK) return rc;
  size_t len = 0;
  uint8_t *bytes = vmir_program_encode_binary(program, &len);
  vmir_program_free(program);
  if (!bytes) {
    fprintf(stderr, "%s: out of memory while encoding\n", cli_display_name(input));
    return CLI_EXIT_IO;
  }
  rc = cli_write_output(out, bytes, len);
  free(bytes);
  return rc;
}

const cli_command cli_asm_command = {
  "asm",
  "assemble program text into the canonical binary form",
  "usage: vmir asm [PROG.vmir|-] -o PROG.vmirb\n"
  "\n"
  "Parses program text (a file, or stdin when PROG is '-' or absent) and\n"
  "writes its canonical binary form. Without -o the binary goes to stdout,\n"
  "which must not be a terminal.\n"
  "\n"
  "Options:\n"
  "  -o, --output OUT  write the binary to OUT ('-' for stdout)\n"
  "  -h, --help        this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
