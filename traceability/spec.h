/* Rules defined in spec Markdown files: a line that starts with "> t[ID]"
 * opens a rule; its text runs over the following "> " lines of the same
 * block quote. The level is derived from the text: MUST when it contains
 * the keyword MUST (MUST NOT included), else MAY when it contains MAY. */
#ifndef VMIR_TRACE_SPEC_H
#define VMIR_TRACE_SPEC_H

#include <stddef.h>

#include "util.h"

typedef enum { SPEC_LEVEL_NONE = -1, SPEC_LEVEL_MUST = 0, SPEC_LEVEL_MAY = 1 } spec_level;

typedef struct {
  char *id;
  char *file;
  int line;
  spec_level level;
} spec_rule;

typedef struct {
  spec_rule *items;
  size_t n;
  size_t cap;
  strlist files; /* the spec files read */
} spec_list;

/* Parses one spec file's text; returns the number of rules added. Duplicate
 * ids (in any file read so far) go to problems as "file:line: ...". */
size_t spec_parse(const char *text, size_t len, const char *file,
                  spec_list *out, strlist *problems);

/* Reads and parses file; -1 with an error when it cannot be read. */
int spec_load(const char *file, spec_list *out, strlist *problems,
              strlist *errors);

long spec_find(const spec_list *l, const char *id);

void spec_list_free(spec_list *l);

#endif
