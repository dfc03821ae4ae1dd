/* vmir: the command-line tool. Dispatches `vmir COMMAND ...` through the
 * command table; every command lives in its own cmd_*.c file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef VMIR_VERSION
#define VMIR_VERSION "unknown"
#endif

/* The command table. Later commands (stats) are added here, one file
 * each. */
static const cli_command *const commands[] = {
  &cli_fmt_command,
  &cli_asm_command,
  &cli_disasm_command,
  &cli_verify_command,
  &cli_shape_id_command,
  &cli_compile_command,
  &cli_encode_command,
  &cli_decode_command,
  &cli_transcode_command,
  &cli_check_command,
  &cli_stats_command,
};

static const cli_command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i]->name, name) == 0) return commands[i];
  return NULL;
}

static void print_usage(FILE *out) {
  fputs("usage: vmir COMMAND [OPTIONS] [ARGS]\n"
        "       vmir help COMMAND | vmir COMMAND --help | vmir --version\n"
        "\n"
        "Tools for vmir programs: serialization programs on one IR.\n"
        "\n"
        "Commands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
  fputs("\nA file argument of '-' (or none, where the command allows) means stdin.\n"
        "\n" CLI_EXIT_CODES_HELP, out);
}

static int help(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_usage(stdout);
    return CLI_EXIT_OK;
  }
  if (argc > 2) return cli_usage_error(NULL, "help takes one command name");
  const cli_command *cmd = find_command(argv[1]);
  if (!cmd) return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
  fputs(cmd->help, stdout);
  return CLI_EXIT_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
    print_usage(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(first, "--version") == 0) {
    printf("vmir %s (program ABI %u)\n", VMIR_VERSION, VMIR_ABI_VERSION);
    return CLI_EXIT_OK;
  }
  if (strcmp(first, "help") == 0) return help(argc - 1, argv + 1);
  if (first[0] == '-') return cli_usage_error(NULL, "unknown option '%s'", first);
  const cli_command *cmd = find_command(first);
  if (!cmd) return cli_usage_error(NULL, "unknown command '%s'", first);
  return cmd->run(cmd, argc - 1, argv + 1);
}
