/* vmir stats: runs a document through decode and encode many times under
 * the JIT tiering runtime and prints its statistics (promotions, compile
 * time, code size, guard failures, deopts by program point, code cache). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int parse_count(const cli_command *self, const char *option, const char *value,
                       long long min, long long *out) {
  if (!value) return CLI_EXIT_OK;
  char *end;
  errno = 0;
  long long n = strtoll(value, &end, 10);
  if (errno || *end || end == value || n < min)
    return cli_usage_error(self, "--%s: expected a number >= %lld, got '%s'", option, min, value);
  *out = n;
  return CLI_EXIT_OK;
}

/* Longest wait for a background compile between two runs. */
#define STATS_COMPILE_WAIT_MS 120000

static void print_stats(const char *title, const vmir_executable *exe) {
  char *text = vmir_jit_stats_text(exe, NULL);
  if (!text) return;
  if (title) printf("%s\n", title);
  fputs(text, stdout);
  free(text);
}

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL, *format_name = NULL, *unknown = NULL;
  const char *runs_text = NULL, *backend = NULL, *threshold_text = NULL, *deopt_text = NULL;
  bool no_wait = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"format", 'f', &format_name, NULL},
    {"unknown", 0, &unknown, NULL},
    {"runs", 'n', &runs_text, NULL},
    {"backend", 'b', &backend, NULL},
    {"threshold", 0, &threshold_text, NULL},
    {"force-deopt-pc", 0, &deopt_text, NULL},
    {"no-wait", 0, NULL, &no_wait},
  };
  const char *input = NULL;
  int rc = cli_parse_args(self, argc, argv, options, sizeof options / sizeof options[0],
                          &input, 1, NULL);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (!shape_path) return cli_usage_error(self, "missing --shape SHAPE.shape");
  vmir_format format = VMIR_FORMAT_JSON;
  rc = cli_parse_format(self, "format", format_name, &format);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_compile_options opt = vmir_compile_options_default(format);
  rc = cli_parse_decode_policy(self, unknown, NULL, &opt);
  long long runs = 100, threshold = -1, deopt_pc = -1;
  if (rc == CLI_EXIT_OK) rc = parse_count(self, "runs", runs_text, 1, &runs);
  if (rc == CLI_EXIT_OK) rc = parse_count(self, "threshold", threshold_text, 0, &threshold);
  if (rc == CLI_EXIT_OK) rc = parse_count(self, "force-deopt-pc", deopt_text, 0, &deopt_pc);
  if (rc != CLI_EXIT_OK) return rc;
  if (cli_is_std(shape_path) && cli_is_std(input))
    return cli_usage_error(self, "the shape and the document cannot both come from stdin");

  /* The environment's configuration (VMIR_JIT_*), with the options on top. */
  vmir_jit_config config = vmir_jit_config_default();
  if (backend) config.backend = backend;
  if (threshold >= 0) config.threshold = threshold;
  if (deopt_pc >= 0) config.force_deopt_pc = deopt_pc;
  vmir_error err;
  if (vmir_jit_configure(&config, &err) != VMIR_OK)
    return cli_usage_error(self, "--backend: %s", err.message);

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  cli_decoder dec = {0};
  cli_encoder enc = {0};
  char *data = NULL;
  size_t len = 0;
  const char *name = cli_display_name(input);
  rc = cli_decoder_open(&dec, shape_path, shape, &opt, false);
  if (rc == CLI_EXIT_OK) rc = cli_encoder_open(&enc, shape_path, shape, format, false, NULL);
  if (rc == CLI_EXIT_OK) rc = cli_read_input_max(input, CLI_DOCUMENT_MAX_BYTES, &data, &len);
  for (long long i = 0; i < runs && rc == CLI_EXIT_OK; i++) {
    const uint8_t *doc;
    size_t doc_len;
    rc = cli_decoder_run(&dec, name, data, len);
    if (rc == CLI_EXIT_OK) rc = cli_encoder_run(&enc, name, dec.value, &doc, &doc_len);
    /* A background compile (libgccjit, LLVM opt) takes longer than many
     * runs of a small document: wait for it, so the statistics show what
     * the code does once it is ready. */
    if (!no_wait && !vmir_jit_wait_compiles(STATS_COMPILE_WAIT_MS))
      fprintf(stderr, "vmir stats: a background compile is still running after %d s; "
              "going on without it\n", STATS_COMPILE_WAIT_MS / 1000);
  }
  if (rc == CLI_EXIT_OK) {
    print_stats(NULL, NULL);
    print_stats("\ndecode program:", dec.fused_exe);
    print_stats("\nencode program:", enc.exe);
  }
  free(data);
  cli_encoder_close(&enc);
  cli_decoder_close(&dec);
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_stats_command = {
  "stats",
  "run a document through decode and encode N times; print JIT statistics",
  "usage: vmir stats --shape SHAPE.shape [--type NAME] --format json|msgpack\n"
  "                  [--runs N] [--backend NAME] [--threshold N]\n"
  "                  [--force-deopt-pc N] [--unknown deny|skip|collect]\n"
  "                  [--no-wait] [DOC|-]\n"
  "\n"
  "Decodes the document (a file, or stdin when DOC is '-' or absent) with the\n"
  "shape's fused decode program and encodes the value back into the same\n"
  "format, N times (default 100), under the JIT tiering runtime; then prints\n"
  "its statistics for the process and for each program: executions and how\n"
  "many ran in generated code, promotions, compiles and compile time, code\n"
  "size, guard failures, deoptimisations (by program point fP:bB:I) and the\n"
  "code cache. The configuration comes from VMIR_JIT_BACKEND,\n"
  "VMIR_JIT_THRESHOLD and VMIR_JIT_FORCE_DEOPT_PC, and the options override it\n"
  "(docs/jit.md). Backends that compile on a background thread (gccjit, llvm\n"
  "at level opt) would leave a short run on the interpreter: after each run\n"
  "the command waits for a compile in progress, unless --no-wait.\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE        the shape file (required)\n"
  "  -t, --type NAME         use the type NAME instead of the root\n"
  "  -f, --format FORMAT     the document's format: json or msgpack (required)\n"
  "  -n, --runs N            decode and encode N times (default 100)\n"
  "  -b, --backend NAME      auto, none, or a backend name (stencil, llvm,\n"
  "                          gccjit)\n"
  "      --threshold N       runs on the interpreter before compiling\n"
  "      --force-deopt-pc N  debug: deoptimise at instruction N\n"
  "      --unknown POLICY    unknown object members: deny (default), skip,\n"
  "                          collect\n"
  "      --no-wait           do not wait for background compiles between\n"
  "                          runs (as a service would run)\n"
  "  -h, --help              this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
