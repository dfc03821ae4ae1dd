/* vmir asm: program text -> canonical binary form. */
#include "cli.h"

/* Adapts the encoder to cli_program_render (the return types differ). */
static void *encode_binary(const vmir_program *program, size_t *len) {
  return vmir_program_encode_binary(program, len);
}

static int run(const cli_command *self, int argc, char **argv) {
  return cli_convert_program(self, argc, argv, 't', true, encode_binary, "encoding");
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
