/* vmir fmt: program text -> canonical program text; --check only tells
 * whether the input is already canonical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Reports the first line where `have` (the input) and `want` (canonical)
 * differ, as FILE:LINE:COLUMN, with both versions of that line. */
static void report_difference(const char *name, const char *have, size_t have_len,
                              const char *want, size_t want_len) {
  size_t i = 0, line = 1, line_start = 0;
  while (i < have_len && i < want_len && have[i] == want[i]) {
    if (have[i] == '\n') {
      line++;
      line_start = i + 1;
    }
    i++;
  }
  size_t column = i - line_start + 1;
  /* The rest of the line in each version, clipped for the report. */
  size_t hl = line_start, wl = line_start;
  while (hl < have_len && have[hl] != '\n') hl++;
  while (wl < want_len && want[wl] != '\n') wl++;
  int hn = (int)((hl - line_start) > 120 ? 120 : hl - line_start);
  int wn = (int)((wl - line_start) > 120 ? 120 : wl - line_start);
  fprintf(stderr, "%s:%zu:%zu: not canonical: line %zu differs from canonical form\n",
          name, line, column, line);
  if (line_start < have_len)
    fprintf(stderr, "  input:     %.*s\n", hn, have + line_start);
  else
    fprintf(stderr, "  input:     (end of input)\n");
  if (line_start < want_len)
    fprintf(stderr, "  canonical: %.*s\n", wn, want + line_start);
  else
    fprintf(stderr, "  canonical: (end of text)\n");
}

static int run(const cli_command *self, int argc, char **argv) {
  const char *out = NULL;
  bool check = false;
  const cli_option options[] = {
    {"output", 'o', &out, NULL},
    {"check", 0, NULL, &check},
  };
  const char *input = NULL;
  size_t npos = 0;
  int rc = cli_parse_args(self, argc, argv, options, 2, &input, 1, &npos);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (check && out) return cli_usage_error(self, "--check writes nothing; drop -o");

  const char *name = cli_display_name(input);
  char *data = NULL;
  size_t len = 0;
  rc = cli_read_input(input, &data, &len);
  if (rc != CLI_EXIT_OK) return rc;
  vmir_program *program = NULL;
  rc = cli_program_from_bytes(name, data, len, 't', &program);
  if (rc != CLI_EXIT_OK) {
    free(data);
    return rc;
  }
  size_t text_len = 0;
  char *text = vmir_program_print_text(program, &text_len);
  vmir_program_free(program);
  if (!text) {
    free(data);
    fprintf(stderr, "%s: out of memory while printing\n", name);
    return CLI_EXIT_IO;
  }
  if (check) {
    bool same = text_len == len && memcmp(text, data, len) == 0;
    if (!same) report_difference(name, data, len, text, text_len);
    rc = same ? CLI_EXIT_OK : CLI_EXIT_INVALID;
  } else {
    rc = cli_write_output(out, text, text_len);
  }
  free(text);
  free(data);
  return rc;
}

const cli_command cli_fmt_command = {
  "fmt",
  "print a program's canonical text, or --check that it is canonical",
  "usage: vmir fmt [PROG.vmir|-] [-o OUT] [--check]\n"
  "\n"
  "Parses program text (a file, or stdin when PROG is '-' or absent) and\n"
  "prints its canonical text form.\n"
  "\n"
  "Options:\n"
  "  -o, --output OUT  write the canonical text to OUT instead of stdout\n"
  "      --check       write nothing; exit 1 when the input is not already\n"
  "                    canonical, naming the first line that differs\n"
  "  -h, --help        this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
