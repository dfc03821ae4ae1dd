/* Mutation evidence: the mutant catalogue (traceability/mutants.tsv, one
 * planted bug per row, each for one rule) and the stored results of
 * scripts/mutate (traceability/mutation-results.tsv). A rule's evidence is
 * strong when every mutant at its sites is killed by the tests; a survivor
 * not marked equivalent is a problem for --check. See docs/mutation.md. */
#ifndef VMIR_TRACE_MUTATION_H
#define VMIR_TRACE_MUTATION_H

#include <stddef.h>

#include "util.h"

typedef enum {
  MUT_NOT_RUN = 0,     /* no stored result, or one for an older row */
  MUT_KILLED,          /* a test failed with the mutant planted */
  MUT_SURVIVED,        /* every test passed */
  MUT_SITE_MISSING,    /* the original text is in no file any more */
  MUT_AMBIGUOUS,       /* the original text occurs more than once */
  MUT_BUILD_FAILED     /* the mutated tree did not compile */
} mutant_status;
#define MUT_STATUS_COUNT 6

typedef struct {
  char *id;
  char *rule;
  char *file;
  char *why;
  char *equivalent; /* the reason it cannot be told apart, or NULL */
  int line;         /* in the catalogue */
  mutant_status status;
  int stale;        /* a stored result exists but is for another row text */
  double seconds;
  char *detail;     /* from the results, or NULL */
} mutant;

typedef struct {
  mutant *items;
  size_t n;
  size_t cap;
  char *catalogue; /* path, NULL when there is no catalogue */
  char *results;   /* path of the results file (may not exist) */
} mutant_list;

/* "killed", "survived", "site-missing", "ambiguous", "build-failed",
 * "not-run": the spellings of scripts/mutate. */
const char *mutant_status_key(mutant_status s);

/* FNV-1a (32 bits, lowercase hex) of "FILE\tORIGINAL\tMUTATED" as written
 * in the catalogue: a stored result counts only for the row it was made
 * from. scripts/mutate computes the same. */
void mutant_checksum(const char *file, const char *original,
                     const char *mutated, char out[9]);

/* Loads the catalogue and, if it exists, the results file. Syntax errors
 * ("file:line: ...") go to errors and make it return -1; results that name
 * no catalogued mutant, or are stale, go to warnings. */
int mutants_load(mutant_list *l, const char *catalogue, const char *results,
                 strlist *warnings, strlist *errors);

void mutants_free(mutant_list *l);

#endif
