/* Markdown report: counts, problems and the rule matrix as a table. */
#include "escape.h"
#include "output.h"

static void link(sbuf *b, const out_options *o, const char *file, int line) {
  sb_puts(b, "[");
  esc_markdown_cell(b, file);
  sb_printf(b, ":%d](", line);
  source_href(b, o, file, line);
  sb_puts(b, ")");
}

static void matrix_row(sbuf *b, const out_options *o, const trace_model *m,
                       const rule_view *rv) {
  const reg_rule *r = rv->rule;
  sb_puts(b, "| `");
  esc_markdown_cell(b, r->id);
  sb_printf(b, "` | %s | ", level_name(r->level));
  esc_markdown_cell(b, r->summary);
  if (r->not_implemented) {
    sb_puts(b, " *(not implemented: ");
    esc_markdown_cell(b, r->reason);
    sb_puts(b, ")*");
  }
  sb_puts(b, " | ");
  for (size_t i = 0; i < rv->n_impl; i++) {
    if (i) sb_puts(b, "<br>");
    link(b, o, rv->impl[i]->file, rv->impl[i]->line);
  }
  if (!rv->n_impl) sb_puts(b, "—");
  sb_puts(b, " | ");
  for (size_t i = 0; i < rv->n_verify; i++) {
    const verification *v = &rv->verify[i];
    const marker *mk = v->m;
    if (i) sb_puts(b, "<br>");
    if (mk->test) {
      sb_puts(b, "`");
      esc_markdown_cell(b, mk->test);
      sb_puts(b, "` ");
      link(b, o, mk->file, mk->test_line);
    } else {
      link(b, o, mk->file, mk->line);
    }
    sb_printf(b, " (%s)", test_result_key(v->result));
  }
  if (!rv->n_verify) sb_puts(b, "—");
  sb_printf(b, " | **%s** |", rule_result_name(rv->result));
  if (m->have_mutants) {
    sbuf mut = {0};
    rule_mutation_summary(rv, &mut);
    sb_putc(b, ' ');
    esc_markdown_cell(b, sb_str(&mut));
    sb_puts(b, " |");
    sb_free(&mut);
  }
  sb_putc(b, '\n');
}

static void problem_list_md(sbuf *b, const char *title, const problem_list *l) {
  sb_printf(b, "## %s (%zu)\n\n", title, l->n);
  for (size_t i = 0; i < l->n; i++) {
    sb_puts(b, "- ");
    esc_markdown_cell(b, l->items[i].text);
    sb_putc(b, '\n');
  }
  sb_puts(b, l->n ? "\n" : "None.\n\n");
}

void out_markdown(const trace_model *m, const out_options *o, sbuf *b) {
  const trace_counts *c = &m->counts;
  sb_puts(b, "# ");
  esc_markdown_cell(b, o->title);
  sb_puts(b, ": traceability\n\n");
  sb_printf(b, "Generated %s by vmir-trace %s from `", o->generated_at,
            VMIR_TRACE_VERSION);
  esc_markdown_cell(b, m->reg.path);
  sb_puts(b, "`.\n\n");
  sb_puts(b, "| Measure | Count |\n|---|---|\n");
  sb_printf(b, "| Rules | %zu (%zu MUST, %zu MAY) |\n", c->rules, c->must,
            c->may);
  sb_printf(b, "| Implemented | %zu |\n| Verified | %zu |\n", c->implemented,
            c->verified);
  for (int r = 0; r < RULE_RESULT_COUNT; r++) {
    sb_printf(b, "| Result: %s | %zu |\n", rule_result_name((rule_result)r),
              c->by_result[r]);
  }
  sb_printf(b, "| MUST rules complete | %zu of %zu |\n", c->must_complete,
            c->must);
  sb_printf(b, "| Markers naming unknown ids | %zu |\n", c->unknown_markers);
  sb_printf(b, "| Test results loaded | %zu from %zu logs |\n",
            c->results_loaded, c->result_logs);
  sb_printf(b, "| Spec cross-check | %s |\n",
            m->have_specs ? "done" : "not done (no --spec)");
  if (m->have_mutants) {
    double score = mutation_score(c->mut_by_status[MUT_KILLED], c->mut_open);
    if (score < 0) sb_puts(b, "| Mutation score | n/a |\n");
    else sb_printf(b, "| Mutation score | %.1f%% |\n", score);
    sb_printf(b, "| Mutants killed / survived / equivalent / not run | %zu / %zu / %zu / %zu of %zu |\n",
              c->mut_by_status[MUT_KILLED], c->mut_open, c->mut_equivalent,
              c->mut_by_status[MUT_NOT_RUN], c->mutants);
  }
  sb_printf(b, "| Problems / warnings | %zu / %zu |\n\n", m->problems.n,
            m->warnings.n);
  problem_list_md(b, "Problems", &m->problems);
  sb_puts(b, "## Rules\n\n");
  if (m->have_mutants) {
    sb_puts(b, "| Rule | Level | Summary | Implemented at | Verified by | Result "
               "| Mutants |\n|---|---|---|---|---|---|---|\n");
  } else {
    sb_puts(b, "| Rule | Level | Summary | Implemented at | Verified by | Result "
               "|\n|---|---|---|---|---|---|\n");
  }
  for (size_t i = 0; i < m->n_rules; i++) matrix_row(b, o, m, &m->rules[i]);
  sb_putc(b, '\n');
  problem_list_md(b, "Warnings", &m->warnings);
}
