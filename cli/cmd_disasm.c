/* vmir disasm: binary program -> canonical program text. */
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

  vmir_program *program = NULL;
  rc = cli_load_program(input, 'b', &program);
  if (rc != CLI_EXIT_OK) return rc;
  size_t len = 0;
  char *text = vmir_program_print_text(program, &len);
  vmir_program_free(program);
  if (!text) {
    fprintf(stderr, "%s: out of memory while printing\n", cli_display_name(input));
    return CLI_EXIT_IO;
  }
  rc = cli_write_output(out, text, len);
  free(text);
  return rc;
}

const cli_command cli_disasm_command = {
  "disasm",
  "print a binary program as canonical text",
  "usage: vmir disasm [PROG.vmirb|-] [-o OUT]\n"
  "\n"
  "Decodes a binary program (a file, or stdin when PROG is '-' or absent)\n"
  "and prints its canonical text form. Errors name the byte offset.\n"
  "\n"
  "Options:\n"
  "  -o, --output OUT  write the text to OUT instead of stdout\n"
  "  -h, --help        this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
