/* vmir disasm: binary program -> canonical program text. */
#include "cli.h"

/* Adapts the printer to cli_program_render (the return types differ). */
static void *print_text(const vmir_program *program, size_t *len) {
  return vmir_program_print_text(program, len);
}

static int run(const cli_command *self, int argc, char **argv) {
  return cli_convert_program(self, argc, argv, 'b', false, print_text, "printing");
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
