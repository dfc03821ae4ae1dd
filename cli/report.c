/* Error reports: one line on stderr that names the file and the place in
 * it (line and column for text, byte offset for binary, pc for the
 * verifier), and the exit code that goes with the failure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_exit_code(vmir_status code) {
  switch (code) {
    case VMIR_OK: return CLI_EXIT_OK;
    case VMIR_E_USAGE: return CLI_EXIT_USAGE;
    case VMIR_E_IO:
    case VMIR_E_NOMEM: return CLI_EXIT_IO;
    default: return CLI_EXIT_INVALID;
  }
}

/* The loaders already prefix messages with "ORIGIN:LINE:COLUMN: ". Skips
 * that prefix (when it names `origin`) so that the report prints each
 * part once, in its own fixed layout. */
static const char *strip_location(const char *msg, const char *origin) {
  size_t olen = strlen(origin);
  if (strncmp(msg, origin, olen) != 0 || msg[olen] != ':') return msg;
  const char *p = msg + olen + 1;
  /* optional LINE:COLUMN: */
  const char *q = p;
  for (int part = 0; part < 2; part++) {
    if (!isdigit((unsigned char)*q)) break;
    while (isdigit((unsigned char)*q)) q++;
    if (*q != ':') return msg;
    q++;
    p = q;
  }
  while (*p == ' ') p++;
  return p;
}

/* The binary decoder says "binary offset N: ..."; the report prints the
 * offset itself. */
static const char *strip_offset(const char *msg) {
  static const char prefix[] = "binary offset ";
  if (strncmp(msg, prefix, sizeof prefix - 1) != 0) return msg;
  const char *p = msg + sizeof prefix - 1;
  if (!isdigit((unsigned char)*p)) return msg;
  while (isdigit((unsigned char)*p)) p++;
  if (*p != ':') return msg;
  p++;
  while (*p == ' ') p++;
  return p;
}

int cli_report(const char *file, const vmir_error *err) {
  const char *msg = strip_offset(strip_location(err->message, file));
  const char *kind = vmir_status_name(err->code);
  if (err->line > 0)
    fprintf(stderr, "%s:%u:%u: %s error: %s\n", file, err->line, err->column, kind, msg);
  else if (err->has_offset)
    fprintf(stderr, "%s: byte %zu: %s error: %s\n", file, err->offset, kind, msg);
  else
    fprintf(stderr, "%s: %s error: %s\n", file, kind, msg);
  return cli_exit_code(err->code);
}

/* Document errors say "line L, column C (offset O): " or "offset O: "
 * first; the report prints the position itself, once. */
static const char *strip_document_position(const char *msg) {
  const char *p = msg;
  if (strncmp(p, "line ", 5) == 0) {
    p += 5;
    if (!isdigit((unsigned char)*p)) return msg;
    while (isdigit((unsigned char)*p)) p++;
    if (strncmp(p, ", column ", 9) != 0) return msg;
    p += 9;
    if (!isdigit((unsigned char)*p)) return msg;
    while (isdigit((unsigned char)*p)) p++;
    if (strncmp(p, " (", 2) != 0) return msg;
    p += 2;
  }
  if (strncmp(p, "offset ", 7) != 0) return msg;
  p += 7;
  if (!isdigit((unsigned char)*p)) return msg;
  while (isdigit((unsigned char)*p)) p++;
  if (p[0] == ')') p++;
  if (p[0] != ':' || p[1] != ' ') return msg;
  return p + 2;
}

int cli_report_document(const char *file, vmir_format format, const vmir_error *err) {
  const char *msg = strip_document_position(err->message);
  const char *kind = vmir_status_name(err->code);
  if (err->has_offset && format == VMIR_FORMAT_JSON && err->line > 0)
    fprintf(stderr, "%s:%u:%u: %s error: %s", file, err->line, err->column, kind, msg);
  else if (err->has_offset)
    fprintf(stderr, "%s: offset %zu: %s error: %s", file, err->offset, kind, msg);
  else
    fprintf(stderr, "%s: %s error: %s", file, kind, msg);
  if (err->path[0]) fprintf(stderr, " (at %s)", err->path);
  if (err->proc >= 0)
    fprintf(stderr, " [pc f%d:b%d:%d]", (int)err->proc, (int)(err->block < 0 ? 0 : err->block),
            (int)(err->insn < 0 ? 0 : err->insn));
  fputc('\n', stderr);
  return cli_exit_code(err->code);
}
