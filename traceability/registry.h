/* The requirement registry: one rule per line of a tab-separated file.
 *
 *   id <TAB> level <TAB> summary [<TAB> status [<TAB> reason]]
 *
 * '#' starts a comment line; blank lines are ignored. level is MUST or MAY.
 * status is "expected" (the default when empty or absent: the rule is to be
 * implemented and verified) or "not-implemented" (MAY rules only; a reason
 * is then required). See docs/traceability.md. */
#ifndef VMIR_TRACE_REGISTRY_H
#define VMIR_TRACE_REGISTRY_H

#include <stddef.h>

#include "util.h"

typedef enum { LEVEL_MUST = 0, LEVEL_MAY = 1 } rule_level;

typedef struct {
  char *id;
  rule_level level;
  char *summary;
  int not_implemented; /* status column says "not-implemented" */
  char *reason;        /* NULL unless not_implemented */
  int line;            /* line in the registry file */
} reg_rule;

typedef struct {
  char *path; /* as given */
  reg_rule *items;
  size_t n;
  size_t cap;
} registry;

/* Parses registry text. Problems go to errors as "path:line: message";
 * returns the number of errors (0 = usable registry). Parsing continues
 * past errors so that all of them are reported (up to a bound). */
int registry_parse(registry *reg, const char *path, const char *text,
                   size_t len, strlist *errors);

/* Reads and parses path; a read failure is one error. */
int registry_load(registry *reg, const char *path, strlist *errors);

/* Index of id in reg, or -1. */
long registry_find(const registry *reg, const char *id);

const char *level_name(rule_level level);

void registry_free(registry *reg);

#endif
