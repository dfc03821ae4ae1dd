/* Plain-text summary for the terminal. */
#include <string.h>

#include "output.h"

static void rule_line(sbuf *b, const trace_model *m, const rule_view *rv) {
  sbuf gaps = {0};
  rule_gaps(rv, &gaps);
  sb_printf(b, "  %-4s %-56s impl %-2zu verify %-2zu %-8s", level_name(rv->rule->level),
            rv->rule->id, rv->n_impl, rv->n_verify, rule_result_name(rv->result));
  if (m->have_mutants) {
    sbuf mut = {0};
    rule_mutation_summary(rv, &mut);
    sb_printf(b, " mutants %s", sb_str(&mut));
    sb_free(&mut);
  }
  sb_printf(b, "%s%s\n", gaps.len ? " gaps: " : "", sb_str(&gaps));
  sb_free(&gaps);
}

static void mutation_summary(sbuf *b, const trace_model *m) {
  const trace_counts *c = &m->counts;
  double score = mutation_score(c->mut_by_status[MUT_KILLED], c->mut_open);
  sb_puts(b, "  mutation       ");
  if (score < 0) sb_puts(b, "score n/a");
  else sb_printf(b, "score %.1f%%", score);
  sb_printf(b,
            " (%zu killed, %zu survived, %zu equivalent of %zu mutants; %zu "
            "without site or build, %zu not run); %zu/%zu rules with mutants, "
            "%zu with all killed\n",
            c->mut_by_status[MUT_KILLED], c->mut_open, c->mut_equivalent, c->mutants,
            c->mut_by_status[MUT_SITE_MISSING] + c->mut_by_status[MUT_AMBIGUOUS] +
                c->mut_by_status[MUT_BUILD_FAILED],
            c->mut_by_status[MUT_NOT_RUN], c->rules_with_mutants, c->rules,
            c->rules_all_killed);
}

void out_text(const trace_model *m, const out_options *o, sbuf *b) {
  const trace_counts *c = &m->counts;
  sb_printf(b, "traceability: %zu rules (%zu MUST, %zu MAY", c->rules, c->must,
            c->may);
  if (c->may_not_implemented) {
    sb_printf(b, ", %zu not implemented by decision", c->may_not_implemented);
  }
  sb_printf(b, ") from %s\n", m->reg.path);
  sb_printf(b, "  implemented    %zu/%zu rules (%zu impl markers)\n",
            c->implemented, c->rules, c->impl_markers);
  sb_printf(b,
            "  verified       %zu/%zu rules (%zu verify markers; %zu Check tests "
            "in %zu files scanned)\n",
            c->verified, c->rules, c->verify_markers, c->tests_defined,
            c->files_scanned);
  sb_printf(b,
            "  last result    pass %zu, fail %zu, partial %zu, not run %zu, no "
            "test %zu\n",
            c->by_result[RULE_PASS], c->by_result[RULE_FAIL],
            c->by_result[RULE_PARTIAL], c->by_result[RULE_NOT_RUN],
            c->by_result[RULE_NO_TEST]);
  sb_printf(b, "  test results   %zu from %zu logs", c->results_loaded,
            c->result_logs);
  if (m->results_dirs.n == 0) sb_puts(b, " (no results folder)");
  for (size_t i = 0; i < m->results_dirs.n; i++) {
    sb_printf(b, "%s%s", i ? ", " : " in ", m->results_dirs.items[i]);
  }
  sb_putc(b, '\n');
  sb_printf(b, "  MUST complete  %zu/%zu (implemented, every verifying test "
               "passed)\n",
            c->must_complete, c->must);
  if (m->have_specs) {
    sb_printf(b, "  specs          %zu rules in %zu file%s, cross-checked\n",
              m->specs.n, m->specs.files.n, m->specs.files.n == 1 ? "" : "s");
  } else {
    sb_puts(b, "  specs          not cross-checked (no --spec given)\n");
  }
  if (m->have_mutants) mutation_summary(b, m);
  sb_printf(b, "  unknown ids    %zu marker%s\n", c->unknown_markers,
            c->unknown_markers == 1 ? "" : "s");
  sb_printf(b, "  problems       %zu%s; warnings %zu\n", m->problems.n,
            m->problems.n && !o->list_problems ? " (listed with --check or -v)"
                                               : "",
            m->warnings.n);
  if (o->verbose) {
    sb_puts(b, "rules:\n");
    for (size_t i = 0; i < m->n_rules; i++) rule_line(b, m, &m->rules[i]);
  }
  if (o->list_problems || o->verbose) {
    for (size_t i = 0; i < m->problems.n; i++) {
      sb_printf(b, "problem: %s\n", m->problems.items[i].text);
    }
  }
  if (o->verbose) {
    for (size_t i = 0; i < m->warnings.n; i++) {
      sb_printf(b, "warning: %s\n", m->warnings.items[i].text);
    }
  }
}
