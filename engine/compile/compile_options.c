/* Compile options: defaults, format names, and the range check every
 * compiler entry point runs before trusting an options struct. */
#include <stdio.h>
#include <string.h>

#include "compile/compile_internal.h"

vmir_compile_options vmir_compile_options_default(vmir_format format) {
  /* Strict by default: an unknown or repeated key is more often a bug in the
   * producer than something to ignore silently. */
  vmir_compile_options o = {
      .format = format,
      .unknown_fields = VMIR_UNKNOWN_DENY,
      .duplicate_last_wins = false,
      .fused = false,
  };
  return o;
}

static const char *const format_names[VMIR_FORMAT_COUNT] = {
    [VMIR_FORMAT_JSON] = "json",
    [VMIR_FORMAT_MSGPACK] = "msgpack",
};

const char *vmir_format_name(vmir_format format) {
  /* Never NULL, so that it can go straight into a printf %s. */
  if ((unsigned)format >= VMIR_FORMAT_COUNT) return "unknown";
  return format_names[format];
}

bool vmir_format_from_name(const char *name, vmir_format *out) {
  if (!name) return false;
  for (unsigned f = 0; f < VMIR_FORMAT_COUNT; f++) {
    if (strcmp(name, format_names[f]) == 0) {
      if (out) *out = (vmir_format)f;
      return true;
    }
  }
  return false;
}

vmir_status vmir_compile_options_check(const vmir_compile_options *options,
                                       vmir_error *err) {
  const char *why = NULL;
  char detail[96];
  if (!options) {
    why = "compile options are NULL (use vmir_compile_options_default)";
  } else if ((unsigned)options->format >= VMIR_FORMAT_COUNT) {
    snprintf(detail, sizeof detail, "unknown format %u",
             (unsigned)options->format);
    why = detail;
  } else if ((unsigned)options->unknown_fields > VMIR_UNKNOWN_COLLECT) {
    snprintf(detail, sizeof detail, "unknown unknown-field policy %u",
             (unsigned)options->unknown_fields);
    why = detail;
  }
  if (!why) return VMIR_OK;
  vmir_error_clear(err);
  if (err) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "%s", why);
  }
  return VMIR_E_USAGE;
}
