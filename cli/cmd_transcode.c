/* vmir transcode: a document in one format -> the typed value of a shape
 * -> a document in another (or the same) format. */
#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL, *from_name = NULL, *to_name = NULL;
  const char *out = NULL, *unknown = NULL, *duplicates = NULL;
  bool unfused = false, pretty = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"from", 0, &from_name, NULL},
    {"to", 0, &to_name, NULL},
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
  if (!shape_path) return cli_usage_error(self, "missing --shape SHAPE.shape");
  vmir_format from = VMIR_FORMAT_JSON, to = VMIR_FORMAT_JSON;
  rc = cli_parse_format(self, "from", from_name, &from);
  if (rc == CLI_EXIT_OK) rc = cli_parse_format(self, "to", to_name, &to);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_compile_options opt = vmir_compile_options_default(from);
  rc = cli_parse_decode_policy(self, unknown, duplicates, &opt);
  if (rc != CLI_EXIT_OK) return rc;
  if (pretty && to != VMIR_FORMAT_JSON)
    return cli_usage_error(self, "--pretty applies to JSON output only");
  if (cli_is_std(shape_path) && cli_is_std(input))
    return cli_usage_error(self, "the shape and the document cannot both come from stdin");
  if (to == VMIR_FORMAT_MSGPACK && cli_output_is_terminal(out))
    return cli_usage_error(self, "refusing to write binary to a terminal; use -o FILE");

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  cli_decoder dec = {0};
  cli_encoder enc = {0};
  rc = cli_decoder_open(&dec, shape_path, shape, &opt, unfused);
  if (rc == CLI_EXIT_OK) rc = cli_encoder_open(&enc, shape_path, shape, to, pretty, NULL);
  if (rc == CLI_EXIT_OK) rc = cli_reencode_document(&dec, &enc, input, out);
  cli_encoder_close(&enc);
  cli_decoder_close(&dec);
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_transcode_command = {
  "transcode",
  "convert a document between JSON and MessagePack through a shape",
  "usage: vmir transcode --shape SHAPE.shape [--type NAME] --from json|msgpack\n"
  "                      --to json|msgpack [--pretty] [--unfused]\n"
  "                      [--unknown deny|skip|collect]\n"
  "                      [--duplicates reject|last-wins] [DOC|-] [-o OUT]\n"
  "\n"
  "Decodes a document (a file, or stdin when DOC is '-' or absent) into a\n"
  "typed value of the shape with a compiled decode program for --from, then\n"
  "encodes the value with the shape's compiled encode program into --to.\n"
  "Only what the shape holds survives: members the shape skips or does not\n"
  "know (with --unknown skip) are dropped, members come in shape order.\n"
  "JSON output ends with one newline; MessagePack output is the bare\n"
  "document and is not written to a terminal (use -o).\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE        the shape file (required)\n"
  "  -t, --type NAME         use the type NAME instead of the root\n"
  "      --from FORMAT       the input's format: json or msgpack (required)\n"
  "      --to FORMAT         the output's format: json or msgpack (required)\n"
  "      --pretty            indent JSON output, one member per line\n"
  "      --unfused           decode with the parse and build programs\n"
  "      --unknown POLICY    unknown object members: deny (default), skip,\n"
  "                          collect\n"
  "      --duplicates POLICY repeated members: reject (default), last-wins\n"
  "  -o, --output OUT        write to OUT instead of stdout\n"
  "  -h, --help              this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
