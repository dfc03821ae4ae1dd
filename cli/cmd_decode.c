/* vmir decode: a JSON or MessagePack document -> the typed value of a
 * shape (compiled decode program) -> canonical JSON (compiled encode
 * program and the library's JSON writer). */
#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL, *format_name = NULL, *out = NULL;
  const char *unknown = NULL, *duplicates = NULL;
  bool unfused = false, pretty = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"format", 'f', &format_name, NULL},
    {"output", 'o', &out, NULL},
    {"unknown", 0, &unknown, NULL},
    {"duplicates", 0, &duplicates, NULL},
    {"unfused", 0, NULL, &unfused},
    {"pretty", 0, NULL, &pretty},
  };
  const char *input = NULL;
  int rc = cli_parse_args(self, argc, argv, options, sizeof options / sizeof options[0],
                          &input, 1, NULL);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  vmir_compile_options opt;
  rc = cli_parse_decode_options(self, shape_path, "format", format_name, unknown,
                                duplicates, &opt);
  if (rc != CLI_EXIT_OK) return rc;
  if (cli_is_std(shape_path) && cli_is_std(input))
    return cli_usage_error(self, "the shape and the document cannot both come from stdin");

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  cli_decoder dec = {0};
  cli_encoder enc = {0};
  rc = cli_decoder_open(&dec, shape_path, shape, &opt, unfused);
  if (rc == CLI_EXIT_OK)
    rc = cli_encoder_open(&enc, shape_path, shape, VMIR_FORMAT_JSON, pretty, NULL);
  if (rc == CLI_EXIT_OK) rc = cli_reencode_document(&dec, &enc, input, out);
  cli_encoder_close(&enc);
  cli_decoder_close(&dec);
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_decode_command = {
  "decode",
  "decode a document through a shape; print the value as JSON",
  "usage: vmir decode --shape SHAPE.shape [--type NAME] --format json|msgpack\n"
  "                   [--unfused] [--pretty] [--unknown deny|skip|collect]\n"
  "                   [--duplicates reject|last-wins] [DOC|-] [-o OUT]\n"
  "\n"
  "Decodes a document (a file, or stdin when DOC is '-' or absent) into a\n"
  "typed value of the shape with a compiled decode program, then prints the\n"
  "value as canonical JSON with the shape's compiled encode program and the\n"
  "library's JSON writer: compact, members in shape order, one newline at\n"
  "the end. A document that does not fit the shape is an error naming\n"
  "FILE:LINE:COLUMN (JSON) or FILE: offset N (MessagePack), the value path\n"
  "and the program counter.\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE        the shape file (required)\n"
  "  -t, --type NAME         decode into the type NAME instead of the root\n"
  "  -f, --format FORMAT     the document's format: json or msgpack (required)\n"
  "      --unfused           decode with the parse and build programs instead\n"
  "                          of the fused program\n"
  "      --unknown POLICY    unknown object members: deny (default), skip,\n"
  "                          collect\n"
  "      --duplicates POLICY repeated members: reject (default), last-wins\n"
  "      --pretty            indent the JSON, one member per line\n"
  "  -o, --output OUT        write to OUT instead of stdout\n"
  "  -h, --help              this text\n"
  "\n"
  "Limits (each a limit error with its position):\n"
  "  nesting                 512 levels of arrays and objects\n"
  "  document                1 GiB\n"
  "  string, key or bin      64 MiB (after unescaping)\n"
  "  decoded value           4 GiB of decoder memory\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
