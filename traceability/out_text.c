/* Plain-text summary for the terminal. */
#include <string.h>

#include "output.h"

static void rule_line(sbuf *b, const rule_view *rv) {
  sbuf gaps = {0};
  rule_gaps(rv, &gaps);
  sb_printf(b, "  %-4s %-56s impl %-2zu verify %-2zu %-8s%s%s\n",
            level_name(rv->rule->level), rv->rule->id, rv->n_impl, rv->n_verify,
            rule_result_name(rv->result), gaps.len ? " gaps: " : "",
            sb_str(&gaps));
  sb_free(&gaps);
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
  sb_printf(b, "  unknown ids    %zu marker%s\n", c->unknown_markers,
            c->unknown_markers == 1 ? "" : "s");
  sb_printf(b, "  problems       %zu%s; warnings %zu\n", m->problems.n,
            m->problems.n && !o->list_problems ? " (listed with --check or -v)"
                                               : "",
            m->warnings.n);
  if (o->verbose) {
    sb_puts(b, "rules:\n");
    for (size_t i = 0; i < m->n_rules; i++) rule_line(b, &m->rules[i]);
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
