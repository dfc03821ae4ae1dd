/* The vmir command-line tool: the command table and the helpers every
 * command shares (argument parsing, input and output, error reports). */
#ifndef VMIR_CLI_H
#define VMIR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/vmir.h"

/* Exit codes, documented in docs/cli.md and in `vmir --help`. */
enum {
  CLI_EXIT_OK = 0,       /* success */
  CLI_EXIT_INVALID = 1,  /* invalid input: syntax, encoding, verification */
  CLI_EXIT_USAGE = 2,    /* bad command line */
  CLI_EXIT_IO = 3        /* a file could not be read or written; out of memory */
};

/* The exit-code table every help text ends with. */
#define CLI_EXIT_CODES_HELP                                                  \
  "Exit codes:\n"                                                           \
  "  0  success\n"                                                          \
  "  1  invalid input (syntax, encoding, verification, not canonical)\n"    \
  "  2  usage error (unknown command or option, missing argument)\n"        \
  "  3  I/O error (a file could not be read or written; out of memory)\n"

/* cli_parse_args returns this when it printed the command's help: the
 * command then exits with CLI_EXIT_OK. */
#define CLI_HELP_SHOWN (-1)

typedef struct cli_command {
  const char *name;
  const char *summary;    /* one line for `vmir --help` */
  const char *help;       /* full text for `vmir help NAME` */
  /* argv[0] is the command name; returns an exit code */
  int (*run)(const struct cli_command *self, int argc, char **argv);
} cli_command;

/* One definition per command file (cmd_*.c); main.c lists them in its
 * command table, where later commands (compile, encode, decode, transcode,
 * check, stats) slot in. */
extern const cli_command cli_fmt_command;
extern const cli_command cli_asm_command;
extern const cli_command cli_disasm_command;
extern const cli_command cli_verify_command;
extern const cli_command cli_shape_id_command;

/* ---- arguments (args.c) --------------------------------------------------- */

/* One option: `--long`, `-s` (short may be 0). An option with a value
 * accepts `--long VALUE`, `--long=VALUE` and `-s VALUE`; a flag sets *flag. */
typedef struct cli_option {
  const char *long_name;
  char short_name;
  const char **value;     /* non-NULL: the option takes a value */
  bool *flag;             /* non-NULL: the option is a flag */
} cli_option;

/* Parses argv[1..] of a command. `--help`/`-h` prints the command's help and
 * returns CLI_HELP_SHOWN. Positional arguments (a lone `-` is one: stdin)
 * fill positional[0..max_positional); more, or an unknown option, is a usage
 * error (printed; returns CLI_EXIT_USAGE). */
int cli_parse_args(const cli_command *cmd, int argc, char **argv,
                   const cli_option *options, size_t option_count,
                   const char **positional, size_t max_positional,
                   size_t *positional_count);

/* Prints "vmir CMD: <message>" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- input and output (io.c) -------------------------------------------------- */

/* Reads a whole file, or stdin for NULL or "-". Bounded by
 * VMIR_TEXT_MAX_BYTES. Prints the failure and returns CLI_EXIT_IO (or
 * CLI_EXIT_INVALID when the input is too large). *data is malloc'd and
 * NUL-terminated. */
int cli_read_input(const char *path, char **data, size_t *len);

/* Writes to `path`, or stdout for NULL or "-". Returns CLI_EXIT_IO after
 * printing the failure. */
int cli_write_output(const char *path, const void *data, size_t len);

/* The name errors use for an input path: "<stdin>" for NULL or "-". */
const char *cli_display_name(const char *path);

/* True when output would go to a terminal (binary output refuses that). */
bool cli_output_is_terminal(const char *path);

/* ---- reports (report.c) ------------------------------------------------------- */

/* Exit code for a failed library call. */
int cli_exit_code(vmir_status code);

/* Prints one error line to stderr, naming `file` and the place in it:
 * "FILE:LINE:COLUMN: <kind> error: message" for text, "FILE: byte N: ..."
 * for binary, "FILE: ... fP:bB:I: ..." for verification. Returns
 * cli_exit_code(err->code). */
int cli_report(const char *file, const vmir_error *err);

/* ---- loading (load.c) --------------------------------------------------------- */

/* True when the bytes start with the binary form's magic "VMIR". */
bool cli_is_binary_program(const char *data, size_t len);

/* Parses (text) or decodes (binary, by magic) a program held in memory.
 * `want`: 't' text only, 'b' binary only, 0 either. Reports failures
 * against `name` and returns the exit code; *out on success. */
int cli_program_from_bytes(const char *name, const char *data, size_t len,
                           int want, vmir_program **out);

/* Loads a program from a file or stdin, text or binary (by magic).
 * `want`: 't' text only, 'b' binary only, 0 either. Reports failures and
 * returns the exit code; *out is the program on success. */
int cli_load_program(const char *path, int want, vmir_program **out);

/* Loads a shape file; reports failures. *out is the set on success. */
int cli_load_shapes(const char *path, vmir_shape_set **out);

#endif
