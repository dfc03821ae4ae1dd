/* vmir compile: (shape, format, direction, options) -> a verified program,
 * printed as canonical text or written in the binary form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef enum which { ENCODE, FUSED, PARSE, BUILD } which;

/* Works out which program from --direction and the variant flags. */
static int pick(const cli_command *self, const char *direction, bool fused,
                bool parse, bool build, bool has_policy, which *out) {
  if ((int)fused + (int)parse + (int)build > 1)
    return cli_usage_error(self, "--fused, --unfused-parse and --unfused-build "
                                 "exclude each other");
  bool variant = fused || parse || build;
  if (direction && strcmp(direction, "encode") == 0) {
    if (variant || has_policy)
      return cli_usage_error(self, "--fused, --unfused-*, --unknown and --duplicates "
                                   "apply to --direction decode");
    *out = ENCODE;
    return CLI_EXIT_OK;
  }
  if (direction && strcmp(direction, "decode") != 0)
    return cli_usage_error(self, "--direction: expected encode or decode, not '%s'",
                           direction);
  if (!direction && !variant && !has_policy) {
    *out = ENCODE;
    return CLI_EXIT_OK;
  }
  *out = parse ? PARSE : build ? BUILD : FUSED;
  return CLI_EXIT_OK;
}

static vmir_program *compile(which w, const vmir_shape *shape,
                             const vmir_compile_options *opt, vmir_error *err) {
  switch (w) {
    case ENCODE: return vmir_compile_encode(shape, opt, err);
    case FUSED: return vmir_compile_decode_fused(shape, opt, err);
    case PARSE: return vmir_compile_decode_parse(shape, opt, err);
    case BUILD: return vmir_compile_decode_build(shape, opt, err);
  }
  return NULL;
}

static int write_program(const vmir_program *program, bool binary, const char *out) {
  size_t len = 0;
  void *bytes = binary ? (void *)vmir_program_encode_binary(program, &len)
                       : (void *)vmir_program_print_text(program, &len);
  if (!bytes) {
    fputs("vmir compile: out of memory while writing the program\n", stderr);
    return CLI_EXIT_IO;
  }
  int rc = cli_write_output(out, bytes, len);
  free(bytes);
  return rc;
}

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL, *format_name = NULL, *direction = NULL;
  const char *unknown = NULL, *duplicates = NULL, *out = NULL;
  bool fused = false, parse = false, build = false, binary = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"format", 'f', &format_name, NULL},
    {"direction", 'd', &direction, NULL},
    {"unknown", 0, &unknown, NULL},
    {"duplicates", 0, &duplicates, NULL},
    {"output", 'o', &out, NULL},
    {"fused", 0, NULL, &fused},
    {"unfused-parse", 0, NULL, &parse},
    {"unfused-build", 0, NULL, &build},
    {"binary", 'b', NULL, &binary},
  };
  int rc = cli_parse_args(self, argc, argv, options, sizeof options / sizeof options[0],
                          NULL, 0, NULL);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (!shape_path) return cli_usage_error(self, "missing --shape SHAPE.shape");
  vmir_format format = VMIR_FORMAT_JSON;
  rc = cli_parse_format(self, "format", format_name, &format);
  if (rc != CLI_EXIT_OK) return rc;
  which w = ENCODE;
  rc = pick(self, direction, fused, parse, build, unknown || duplicates, &w);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_compile_options opt = vmir_compile_options_default(format);
  rc = cli_parse_decode_policy(self, unknown, duplicates, &opt);
  if (rc != CLI_EXIT_OK) return rc;
  opt.fused = w == FUSED;
  if (binary && cli_output_is_terminal(out))
    return cli_usage_error(self, "refusing to write binary to a terminal; use -o FILE");

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_error err;
  vmir_error_clear(&err);
  vmir_program *program = compile(w, shape, &opt, &err);
  if (program) {
    rc = write_program(program, binary, out);
    vmir_program_free(program);
  } else {
    if (err.code == VMIR_OK) {
      err.code = VMIR_E_NOMEM;
      snprintf(err.message, sizeof err.message, "out of memory");
    }
    rc = cli_report(cli_display_name(shape_path), &err);
  }
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_compile_command = {
  "compile",
  "compile a shape into an encode or decode program",
  "usage: vmir compile --shape SHAPE.shape [--type NAME] --format json|msgpack\n"
  "                    [--direction encode|decode]\n"
  "                    [--fused | --unfused-parse | --unfused-build]\n"
  "                    [--unknown deny|skip|collect]\n"
  "                    [--duplicates reject|last-wins] [--binary] [-o OUT]\n"
  "\n"
  "Compiles the root shape of SHAPE.shape (or the type NAME) into a verified\n"
  "program and prints its canonical text, or writes its binary form with\n"
  "--binary (not to a terminal: use -o). --direction encode (the default)\n"
  "gives the SerProgram; --direction decode the fused decode program, or\n"
  "with --unfused-parse / --unfused-build the ParseProgram / BuildProgram of\n"
  "the unfused pair. A variant flag or a decode policy alone implies\n"
  "--direction decode.\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE        the shape file (required)\n"
  "  -t, --type NAME         compile the type NAME instead of the root\n"
  "  -f, --format FORMAT     json or msgpack (required)\n"
  "  -d, --direction DIR     encode (default) or decode\n"
  "      --fused             decode: one fused program (the default)\n"
  "      --unfused-parse     decode: the ParseProgram (format lexing)\n"
  "      --unfused-build     decode: the BuildProgram (builds the value)\n"
  "      --unknown POLICY    decode: unknown object members: deny (default),\n"
  "                          skip, collect\n"
  "      --duplicates POLICY decode: repeated members: reject (default),\n"
  "                          last-wins\n"
  "  -b, --binary            write the binary form instead of text\n"
  "  -o, --output OUT        write to OUT instead of stdout\n"
  "  -h, --help              this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
