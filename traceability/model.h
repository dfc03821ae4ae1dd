/* The joined traceability model: registry rules with their implementation
 * sites, verifying tests and results, the cross-checks against the specs,
 * and the problems that --check turns into a failing exit status. The
 * output writers (out_*.c) only read this model. */
#ifndef VMIR_TRACE_MODEL_H
#define VMIR_TRACE_MODEL_H

#include <stddef.h>

#include "check_xml.h"
#include "markers.h"
#include "mutation.h"
#include "registry.h"
#include "scan.h"
#include "spec.h"
#include "util.h"

typedef enum {
  RULE_PASS = 0,    /* every verifying test ran and passed */
  RULE_FAIL = 1,    /* some verifying test failed */
  RULE_PARTIAL = 2, /* some passed, others have no result */
  RULE_NOT_RUN = 3, /* verifying tests exist, none has a result */
  RULE_NO_TEST = 4  /* no verify marker at all */
} rule_result;
#define RULE_RESULT_COUNT 5

/* One verification of a rule: a Check test (file + test name), or a verify
 * marker outside any test (test == NULL, result TEST_UNKNOWN). */
typedef struct {
  const marker *m; /* first marker naming the rule in this test */
  test_result result;
  int runs;     /* matching result entries (loop tests give several) */
  int failures; /* of which failed or errored */
  const xml_result *first_failure; /* NULL when none */
} verification;

typedef struct {
  const reg_rule *rule;
  const spec_rule *spec; /* NULL when no spec defines it (or none given) */
  const marker **impl;
  size_t n_impl;
  verification *verify;
  size_t n_verify;
  rule_result result;
  const mutant **mutants; /* catalogue order */
  size_t n_mutants;
  size_t mut_by_status[MUT_STATUS_COUNT];
  size_t mut_equivalent; /* of n_mutants, marked equivalent */
  size_t mut_open;       /* survivors not marked equivalent */
} rule_view;

typedef enum {
  PROB_NO_IMPL,
  PROB_NO_VERIFY,
  PROB_FAILING_TEST,
  PROB_NOT_RUN,
  PROB_UNKNOWN_ID,
  PROB_SPEC_ONLY,
  PROB_REGISTRY_ONLY,
  PROB_LEVEL_MISMATCH,
  PROB_SPEC_DUPLICATE,
  PROB_MAY_GAP,
  PROB_INCONSISTENT,
  PROB_UNATTACHED_VERIFY,
  PROB_UNMATCHED_RESULT,
  PROB_INPUT,
  PROB_MUTANT_SURVIVED,     /* problem: a live, non-equivalent mutant */
  PROB_MUTANT_UNKNOWN_RULE, /* problem: a mutant of no registry rule */
  PROB_MUTANT_SITE,         /* warning: site missing/ambiguous, no build */
  PROB_MUTANT_NOT_RUN,      /* warning: mutants without a current result */
  PROB_NO_MUTANT            /* warning: implemented rule without mutant */
} problem_kind;

typedef struct {
  problem_kind kind;
  char *rule_id; /* may be NULL */
  char *file;    /* may be NULL */
  int line;      /* 0 when unknown */
  char *text;    /* the full one-line message, "file:line: ..." */
} problem;

typedef struct {
  problem *items;
  size_t n;
  size_t cap;
} problem_list;

typedef struct {
  size_t rules, must, may, may_not_implemented;
  size_t implemented, verified;
  size_t by_result[RULE_RESULT_COUNT];
  size_t must_complete; /* MUST rules implemented and passing */
  size_t impl_markers, verify_markers, unknown_markers;
  size_t tests_defined, results_loaded, result_logs, results_unmatched;
  size_t files_scanned;
  /* mutation (all 0 without a catalogue) */
  size_t mutants, mut_by_status[MUT_STATUS_COUNT], mut_equivalent;
  size_t mut_open;          /* survivors not marked equivalent */
  size_t rules_with_mutants;
  size_t rules_all_killed;  /* every non-equivalent mutant killed */
} trace_counts;

typedef struct {
  /* inputs (owned) */
  char *root;
  registry reg;
  scan_result scan;
  result_list results;
  strlist results_dirs;
  spec_list specs;
  int have_specs;
  strlist spec_problems; /* duplicates found while parsing specs */
  strlist input_warnings;
  mutant_list mutants;
  int have_mutants; /* a catalogue was read */
  /* joined */
  rule_view *rules;
  size_t n_rules;
  const marker **unknown; /* markers naming ids not in the registry */
  size_t n_unknown;
  problem_list problems; /* each makes --check fail */
  problem_list warnings; /* reported, never fatal */
  trace_counts counts;
  int strict;
} trace_model;

const char *rule_result_name(rule_result r);
/* Mutation score in percent: killed / (killed + open survivors); -1 when
 * no mutant has a result. */
double mutation_score(size_t killed, size_t open);
/* "3/3 killed", "2/3 killed, 1 survived", "1 equivalent", "none": the
 * short form of a rule's mutation evidence used by every output. */
void rule_mutation_summary(const rule_view *rv, sbuf *out);
/* "no-impl", "no-verify", ...: stable names used in JSON. */
const char *problem_kind_name(problem_kind k);

/* Joins registry, markers, results and specs. With strict, verifying tests
 * of MUST rules that did not run are problems instead of warnings. */
void model_join(trace_model *m, int strict);

void model_free(trace_model *m);

#endif
