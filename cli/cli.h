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
  "  2  usage error (unknown command or option, option given twice,\n"      \
  "     missing or extra argument)\n"                                    \
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
 * command table, where later commands (stats) slot in. */
extern const cli_command cli_fmt_command;
extern const cli_command cli_asm_command;
extern const cli_command cli_disasm_command;
extern const cli_command cli_verify_command;
extern const cli_command cli_shape_id_command;
extern const cli_command cli_compile_command;
extern const cli_command cli_encode_command;
extern const cli_command cli_decode_command;
extern const cli_command cli_transcode_command;
extern const cli_command cli_check_command;
extern const cli_command cli_stats_command;

/* ---- arguments (args.c) --------------------------------------------------- */

/* One option: `--long`, `-s` (short may be 0). An option with a value
 * accepts `--long VALUE`, `--long=VALUE` and `-s VALUE`; a flag sets *flag. */
typedef struct cli_option {
  const char *long_name;
  char short_name;
  const char **value;     /* non-NULL: the option takes a value */
  bool *flag;             /* non-NULL: the option is a flag */
} cli_option;

/* The most options one command takes. */
#define CLI_MAX_OPTIONS 32

/* Parses argv[1..] of a command. `--help`/`-h` prints the command's help and
 * returns CLI_HELP_SHOWN. Positional arguments (a lone `-` is one: stdin)
 * fill positional[0..max_positional); more, an unknown option or an option
 * given twice (long or short spelling, flag or not) is a usage error
 * (printed; returns CLI_EXIT_USAGE). */
int cli_parse_args(const cli_command *cmd, int argc, char **argv,
                   const cli_option *options, size_t option_count,
                   const char **positional, size_t max_positional,
                   size_t *positional_count);

/* Prints "vmir CMD: <message>" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses the value of a format option (`--format`, `--from`, `--to`):
 * "json" or "msgpack". NULL (option absent) is a usage error naming
 * `option` ("missing --format json|msgpack"); so is any other name. */
int cli_parse_format(const cli_command *cmd, const char *option,
                     const char *value, vmir_format *out);

/* Applies `--unknown deny|skip|collect` and `--duplicates reject|last-wins`
 * (NULL: absent, the default stays) to decode compile options. Usage
 * error on any other value. */
int cli_parse_decode_policy(const cli_command *cmd, const char *unknown,
                            const char *duplicates, vmir_compile_options *opt);

/* The option checks of the commands that decode documents (check, decode):
 * --shape is required, then the format option (`format_option`, value
 * `format_name`) and the decode policies give *opt. Usage errors are
 * printed and returned. */
int cli_parse_decode_options(const cli_command *cmd, const char *shape_path,
                             const char *format_option, const char *format_name,
                             const char *unknown, const char *duplicates,
                             vmir_compile_options *opt);

/* ---- input and output (io.c) -------------------------------------------------- */

/* Reads a whole file, or stdin for NULL or "-". Bounded by
 * VMIR_TEXT_MAX_BYTES. Prints the failure and returns CLI_EXIT_IO (or
 * CLI_EXIT_INVALID when the input is too large). *data is malloc'd and
 * NUL-terminated. */
int cli_read_input(const char *path, char **data, size_t *len);

/* Documents (JSON, MessagePack) may be far larger than programs: bounded by
 * the decoder's own default input limit. */
#define CLI_DOCUMENT_MAX_BYTES ((size_t)1 << 30)

/* cli_read_input with another bound. */
int cli_read_input_max(const char *path, size_t limit, char **data, size_t *len);

/* Writes to `path`, or stdout for NULL or "-". Returns CLI_EXIT_IO after
 * printing the failure. */
int cli_write_output(const char *path, const void *data, size_t len);

/* Writes `data` then `tail` (tail may be NULL) as one output. */
int cli_write_output2(const char *path, const void *data, size_t len,
                      const char *tail, size_t tail_len);

/* True for NULL or "-": the standard stream. */
bool cli_is_std(const char *path);

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

/* Prints one error about a document (decoding it, or encoding the value
 * read from it) to stderr: "FILE:LINE:COLUMN: KIND error: message" for JSON,
 * "FILE: offset N: KIND error: message" for MessagePack, "FILE: KIND error:
 * message" without a position; then " (at PATH)" when the error has a value
 * path and " [pc fP:bB:I]" when it has a program counter. `format` is the
 * document's format. Returns cli_exit_code(err->code). */
int cli_report_document(const char *file, vmir_format format, const vmir_error *err);

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

/* Renders a program into another form (binary or text); NULL when out of
 * memory. */
typedef void *(*cli_program_render)(const vmir_program *program, size_t *len);

/* The whole of asm and disasm, which differ only in the form they read
 * (`want`, as for cli_load_program) and write: parses `[PROG|-] [-o OUT]`,
 * loads the program, renders it and writes the result. `binary_output`
 * refuses a terminal as the output; `doing` names the rendering in the
 * out-of-memory message ("encoding", "printing"). Returns the exit code. */
int cli_convert_program(const cli_command *cmd, int argc, char **argv, int want,
                        bool binary_output, cli_program_render render,
                        const char *doing);

/* Loads a shape file; reports failures. *out is the set on success. */
int cli_load_shapes(const char *path, vmir_shape_set **out);

/* Loads a shape file and picks its type `type` (NULL: the file's root),
 * validated. Reports failures. On success *set owns *shape. */
int cli_load_shape_type(const char *path, const char *type,
                        vmir_shape_set **set, const vmir_shape **shape);

/* ---- documents (decoding.c, encoding.c) ----------------------------------- */

/* Decodes documents of one format into values of one shape, with the
 * compiled fused program or the unfused parse/build pair. Reused across
 * documents: each run starts from a zeroed value and an empty arena. */
typedef struct cli_decoder {
  const vmir_shape *shape;
  vmir_format format;
  vmir_program *fused, *parse, *build;
  vmir_executable *fused_exe, *parse_exe, *build_exe;
  vmir_decoder *dec;
  void *value;        /* shape->size bytes, aligned for the shape */
  size_t value_size;
} cli_decoder;

/* Compiles the decode program(s) for `opt` (format and policies). Compile
 * failures are reported against `shape_file`. */
int cli_decoder_open(cli_decoder *d, const char *shape_file,
                     const vmir_shape *shape, const vmir_compile_options *opt,
                     bool unfused);
/* Decodes one document into d->value; reports failures against `name`. */
int cli_decoder_run(cli_decoder *d, const char *name, const char *data, size_t len);
void cli_decoder_close(cli_decoder *d);

/* Encodes values of one shape into one format with a SerProgram compiled
 * from the shape or loaded from a file (text or binary) and verified
 * against it. */
typedef struct cli_encoder {
  const vmir_shape *shape;
  vmir_format format;
  vmir_program *program;
  vmir_executable *exe;
  vmir_json_writer *json;
  vmir_msgpack_writer *msgpack;
} cli_encoder;

/* `program_path` NULL: compile; else load it (`-`: stdin). JSON output is
 * indented when `pretty`. */
int cli_encoder_open(cli_encoder *e, const char *shape_file,
                     const vmir_shape *shape, vmir_format format, bool pretty,
                     const char *program_path);
/* Encodes `value`; *out and *len are the document, valid until the next run or
 * close. Failures are reported against `name` (the value's origin). */
int cli_encoder_run(cli_encoder *e, const char *name, const void *value,
                    const uint8_t **out, size_t *len);
void cli_encoder_close(cli_encoder *e);

/* Writes an encoded document: JSON gets one newline after it, MessagePack
 * is written as it is. */
int cli_write_document(const char *path, vmir_format format,
                       const uint8_t *data, size_t len);

/* The pipeline of decode, encode and transcode once both ends are open:
 * reads the document `input` (NULL or "-": stdin), decodes it with `d`,
 * encodes the value with `e` and writes the result to `out` in e->format.
 * Failures are reported against `input`. */
int cli_reencode_document(cli_decoder *d, cli_encoder *e, const char *input,
                          const char *out);

#endif
