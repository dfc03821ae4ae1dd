/* Command-line option parsing shared by every command: GNU-style long
 * options, a few short ones, positional arguments, `--` to end options. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const cli_command *cmd, const char *fmt, ...) {
  va_list ap;
  if (cmd)
    fprintf(stderr, "vmir %s: ", cmd->name);
  else
    fputs("vmir: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (cmd)
    fprintf(stderr, "\nTry 'vmir %s --help' for usage.\n", cmd->name);
  else
    fputs("\nTry 'vmir --help' for usage.\n", stderr);
  return CLI_EXIT_USAGE;
}

static const cli_option *find_long(const cli_option *opts, size_t n,
                                   const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (opts[i].long_name && strlen(opts[i].long_name) == len &&
        memcmp(opts[i].long_name, name, len) == 0)
      return &opts[i];
  return NULL;
}

static const cli_option *find_short(const cli_option *opts, size_t n, char c) {
  for (size_t i = 0; i < n; i++)
    if (opts[i].short_name && opts[i].short_name == c) return &opts[i];
  return NULL;
}

int cli_parse_args(const cli_command *cmd, int argc, char **argv,
                   const cli_option *options, size_t option_count,
                   const char **positional, size_t max_positional,
                   size_t *positional_count) {
  size_t npos = 0;
  bool options_done = false;
  /* Which options were given: a repeated option is a usage error whether it
   * takes a value or is a flag (the second one would silently win or do
   * nothing, hiding a mistake on the command line). */
  bool given[CLI_MAX_OPTIONS] = {false};
  if (option_count > CLI_MAX_OPTIONS)
    return cli_usage_error(cmd, "internal error: more than %d options", CLI_MAX_OPTIONS);
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    bool is_option = !options_done && arg[0] == '-' && arg[1] != '\0';
    if (!is_option) {
      if (npos >= max_positional)
        return cli_usage_error(cmd, "unexpected argument '%s'", arg);
      positional[npos++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(cmd->help, stdout);
      return CLI_HELP_SHOWN;
    }
    const cli_option *opt;
    const char *inline_value = NULL;
    char label[64];
    if (arg[1] == '-') {
      const char *name = arg + 2;
      const char *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      opt = find_long(options, option_count, name, len);
      if (eq) inline_value = eq + 1;
      snprintf(label, sizeof label, "--%.*s", (int)(len > 48 ? 48 : len), name);
    } else {
      if (arg[2] != '\0')
        return cli_usage_error(cmd, "unknown option '%s'", arg);
      opt = find_short(options, option_count, arg[1]);
      snprintf(label, sizeof label, "-%c", arg[1]);
    }
    if (!opt) return cli_usage_error(cmd, "unknown option '%s'", arg);
    if (given[opt - options])
      return cli_usage_error(cmd, "option '%s' given twice", label);
    given[opt - options] = true;
    if (opt->flag) {
      if (inline_value)
        return cli_usage_error(cmd, "option '%s' takes no value", label);
      *opt->flag = true;
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc)
        return cli_usage_error(cmd, "option '%s' needs a value", label);
      inline_value = argv[++i];
    }
    *opt->value = inline_value;
  }
  if (positional_count) *positional_count = npos;
  return CLI_EXIT_OK;
}

int cli_parse_format(const cli_command *cmd, const char *option,
                     const char *value, vmir_format *out) {
  if (!value) return cli_usage_error(cmd, "missing --%s json|msgpack", option);
  if (!vmir_format_from_name(value, out))
    return cli_usage_error(cmd, "--%s: unknown format '%s' (json or msgpack)", option, value);
  return CLI_EXIT_OK;
}

int cli_parse_decode_options(const cli_command *cmd, const char *shape_path,
                             const char *format_option, const char *format_name,
                             const char *unknown, const char *duplicates,
                             vmir_compile_options *opt) {
  if (!shape_path) return cli_usage_error(cmd, "missing --shape SHAPE.shape");
  vmir_format format = VMIR_FORMAT_JSON;
  int rc = cli_parse_format(cmd, format_option, format_name, &format);
  if (rc != CLI_EXIT_OK) return rc;
  *opt = vmir_compile_options_default(format);
  return cli_parse_decode_policy(cmd, unknown, duplicates, opt);
}

int cli_parse_decode_policy(const cli_command *cmd, const char *unknown,
                            const char *duplicates, vmir_compile_options *opt) {
  if (unknown) {
    if (strcmp(unknown, "deny") == 0)
      opt->unknown_fields = VMIR_UNKNOWN_DENY;
    else if (strcmp(unknown, "skip") == 0)
      opt->unknown_fields = VMIR_UNKNOWN_SKIP;
    else if (strcmp(unknown, "collect") == 0)
      opt->unknown_fields = VMIR_UNKNOWN_COLLECT;
    else
      return cli_usage_error(cmd, "--unknown: expected deny, skip or collect, not '%s'",
                             unknown);
  }
  if (duplicates) {
    if (strcmp(duplicates, "reject") == 0)
      opt->duplicate_last_wins = false;
    else if (strcmp(duplicates, "last-wins") == 0)
      opt->duplicate_last_wins = true;
    else
      return cli_usage_error(cmd, "--duplicates: expected reject or last-wins, not '%s'",
                             duplicates);
  }
  return CLI_EXIT_OK;
}
