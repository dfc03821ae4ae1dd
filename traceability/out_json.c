/* JSON report, schema_version 1 (documented in docs/traceability.md).
 * Keys keep their order from run to run; arrays follow registry order,
 * then file order. */
#include "escape.h"
#include "output.h"

static void key(sbuf *b, int indent, const char *k) {
  sb_printf(b, "%*s", indent, "");
  esc_json(b, k);
  sb_puts(b, ": ");
}

static void kv_str(sbuf *b, int indent, const char *k, const char *v,
                   int comma) {
  key(b, indent, k);
  esc_json(b, v);
  sb_puts(b, comma ? ",\n" : "\n");
}

static void kv_num(sbuf *b, int indent, const char *k, size_t v, int comma) {
  key(b, indent, k);
  sb_printf(b, "%zu%s", v, comma ? ",\n" : "\n");
}

static void site(sbuf *b, const char *file, int line) {
  sb_puts(b, "{\"file\": ");
  esc_json(b, file);
  sb_printf(b, ", \"line\": %d}", line);
}

static void strings(sbuf *b, int indent, const char *k, const strlist *l,
                    int comma) {
  key(b, indent, k);
  sb_putc(b, '[');
  for (size_t i = 0; i < l->n; i++) {
    if (i) sb_puts(b, ", ");
    esc_json(b, l->items[i]);
  }
  sb_puts(b, comma ? "],\n" : "]\n");
}

/* "mutation": null without a catalogue; score null when nothing ran. */
static void mutation_counts(sbuf *b, const trace_model *m) {
  const trace_counts *c = &m->counts;
  key(b, 4, "mutation");
  if (!m->have_mutants) {
    sb_puts(b, "null\n");
    return;
  }
  sb_puts(b, "{");
  sb_printf(b, "\"mutants\": %zu", c->mutants);
  for (int s = 0; s < MUT_STATUS_COUNT; s++) {
    sb_printf(b, ", \"%s\": %zu", mutant_status_key((mutant_status)s), c->mut_by_status[s]);
  }
  sb_printf(b, ", \"equivalent\": %zu, \"open_survivors\": %zu", c->mut_equivalent,
            c->mut_open);
  double score = mutation_score(c->mut_by_status[MUT_KILLED], c->mut_open);
  if (score < 0) sb_puts(b, ", \"score\": null");
  else sb_printf(b, ", \"score\": %.2f", score);
  sb_printf(b, ", \"rules_with_mutants\": %zu, \"rules_all_killed\": %zu}\n",
            c->rules_with_mutants, c->rules_all_killed);
}

static void counts(sbuf *b, const trace_model *m) {
  const trace_counts *c = &m->counts;
  sb_puts(b, "  \"counts\": {\n");
  kv_num(b, 4, "rules", c->rules, 1);
  kv_num(b, 4, "must", c->must, 1);
  kv_num(b, 4, "may", c->may, 1);
  kv_num(b, 4, "may_not_implemented", c->may_not_implemented, 1);
  kv_num(b, 4, "implemented", c->implemented, 1);
  kv_num(b, 4, "verified", c->verified, 1);
  sb_puts(b, "    \"result\": {");
  for (int r = 0; r < RULE_RESULT_COUNT; r++) {
    sb_printf(b, "%s\"%s\": %zu", r ? ", " : "", rule_result_key((rule_result)r),
              c->by_result[r]);
  }
  sb_puts(b, "},\n");
  kv_num(b, 4, "must_complete", c->must_complete, 1);
  kv_num(b, 4, "impl_markers", c->impl_markers, 1);
  kv_num(b, 4, "verify_markers", c->verify_markers, 1);
  kv_num(b, 4, "unknown_markers", c->unknown_markers, 1);
  kv_num(b, 4, "tests_defined", c->tests_defined, 1);
  kv_num(b, 4, "results_loaded", c->results_loaded, 1);
  kv_num(b, 4, "result_logs", c->result_logs, 1);
  kv_num(b, 4, "results_unmatched", c->results_unmatched, 1);
  kv_num(b, 4, "files_scanned", c->files_scanned, 1);
  kv_num(b, 4, "problems", m->problems.n, 1);
  kv_num(b, 4, "warnings", m->warnings.n, 1);
  mutation_counts(b, m);
  sb_puts(b, "  },\n");
}

static void verification_json(sbuf *b, const verification *v) {
  const marker *mk = v->m;
  sb_puts(b, "        {\"file\": ");
  esc_json(b, mk->file);
  sb_printf(b, ", \"line\": %d, \"test\": ", mk->line);
  esc_json(b, mk->test);
  if (mk->test) sb_printf(b, ", \"test_line\": %d", mk->test_line);
  else sb_puts(b, ", \"test_line\": null");
  sb_printf(b, ", \"result\": \"%s\", \"runs\": %d, \"failures\": %d",
            test_result_key(v->result), v->runs, v->failures);
  sb_puts(b, ", \"message\": ");
  esc_json(b, v->first_failure ? v->first_failure->message : NULL);
  sb_putc(b, '}');
}

static void mutation_json(sbuf *b, const rule_view *rv) {
  key(b, 6, "mutants");
  sb_puts(b, rv->n_mutants ? "[\n" : "[");
  for (size_t i = 0; i < rv->n_mutants; i++) {
    const mutant *mu = rv->mutants[i];
    sb_puts(b, "        {\"id\": ");
    esc_json(b, mu->id);
    sb_puts(b, ", \"file\": ");
    esc_json(b, mu->file);
    sb_printf(b, ", \"catalogue_line\": %d, \"status\": \"%s\", \"seconds\": %.1f",
              mu->line, mutant_status_key(mu->status), mu->seconds);
    sb_puts(b, ", \"why\": ");
    esc_json(b, mu->why);
    sb_puts(b, ", \"equivalent\": ");
    esc_json(b, mu->equivalent);
    sb_puts(b, ", \"detail\": ");
    esc_json(b, mu->detail);
    sb_putc(b, '}');
    sb_puts(b, i + 1 < rv->n_mutants ? ",\n" : "\n      ");
  }
  sb_puts(b, "]\n");
}

static void rule_json(sbuf *b, const rule_view *rv, int last) {
  const reg_rule *r = rv->rule;
  sb_puts(b, "    {\n");
  kv_str(b, 6, "id", r->id, 1);
  kv_str(b, 6, "level", level_name(r->level), 1);
  kv_str(b, 6, "summary", r->summary, 1);
  kv_str(b, 6, "status", r->not_implemented ? "not-implemented" : "expected", 1);
  kv_str(b, 6, "reason", r->reason, 1);
  kv_num(b, 6, "registry_line", (size_t)r->line, 1);
  key(b, 6, "spec");
  if (rv->spec) site(b, rv->spec->file, rv->spec->line);
  else sb_puts(b, "null");
  sb_puts(b, ",\n");
  key(b, 6, "impl");
  sb_putc(b, '[');
  for (size_t i = 0; i < rv->n_impl; i++) {
    if (i) sb_puts(b, ", ");
    site(b, rv->impl[i]->file, rv->impl[i]->line);
  }
  sb_puts(b, "],\n");
  key(b, 6, "verify");
  sb_puts(b, rv->n_verify ? "[\n" : "[");
  for (size_t i = 0; i < rv->n_verify; i++) {
    verification_json(b, &rv->verify[i]);
    sb_puts(b, i + 1 < rv->n_verify ? ",\n" : "\n      ");
  }
  sb_puts(b, "],\n");
  kv_str(b, 6, "result", rule_result_key(rv->result), 1);
  sbuf gaps = {0};
  rule_gaps(rv, &gaps);
  key(b, 6, "gaps");
  sb_putc(b, '[');
  const char *g = sb_str(&gaps);
  int first = 1;
  while (*g) {
    size_t n = 0;
    while (g[n] && g[n] != ' ') n++;
    sb_printf(b, "%s\"%.*s\"", first ? "" : ", ", (int)n, g);
    first = 0;
    g += n;
    while (*g == ' ') g++;
  }
  sb_puts(b, "],\n");
  sb_free(&gaps);
  mutation_json(b, rv);
  sb_puts(b, last ? "    }\n" : "    },\n");
}

static void problems(sbuf *b, const char *name, const problem_list *l,
                     int comma) {
  sb_printf(b, "  \"%s\": [", name);
  for (size_t i = 0; i < l->n; i++) {
    const problem *p = &l->items[i];
    sb_puts(b, i ? ",\n    " : "\n    ");
    sb_printf(b, "{\"kind\": \"%s\", \"rule\": ", problem_kind_name(p->kind));
    esc_json(b, p->rule_id);
    sb_puts(b, ", \"file\": ");
    esc_json(b, p->file);
    if (p->line > 0) sb_printf(b, ", \"line\": %d", p->line);
    else sb_puts(b, ", \"line\": null");
    sb_puts(b, ", \"message\": ");
    esc_json(b, p->text);
    sb_putc(b, '}');
  }
  sb_puts(b, l->n ? "\n  ]" : "]");
  sb_puts(b, comma ? ",\n" : "\n");
}

void out_json(const trace_model *m, const out_options *o, sbuf *b) {
  sb_puts(b, "{\n");
  sb_printf(b, "  \"schema_version\": %d,\n", VMIR_TRACE_SCHEMA_VERSION);
  kv_str(b, 2, "tool", "vmir-trace", 1);
  kv_str(b, 2, "tool_version", VMIR_TRACE_VERSION, 1);
  kv_str(b, 2, "generated_at", o->generated_at, 1);
  sb_puts(b, "  \"inputs\": {\n");
  kv_str(b, 4, "root", m->root, 1);
  kv_str(b, 4, "registry", m->reg.path, 1);
  strings(b, 4, "results_dirs", &m->results_dirs, 1);
  strings(b, 4, "spec_files", &m->specs.files, 0);
  sb_puts(b, "  },\n");
  counts(b, m);
  sb_puts(b, "  \"rules\": [\n");
  for (size_t i = 0; i < m->n_rules; i++) {
    rule_json(b, &m->rules[i], i + 1 == m->n_rules);
  }
  sb_puts(b, "  ],\n");
  sb_puts(b, "  \"unknown_markers\": [");
  for (size_t i = 0; i < m->n_unknown; i++) {
    const marker *mk = m->unknown[i];
    sb_puts(b, i ? ",\n    " : "\n    ");
    sb_printf(b, "{\"kind\": \"%s\", \"id\": ", marker_kind_name(mk->kind));
    esc_json(b, mk->id);
    sb_puts(b, ", \"file\": ");
    esc_json(b, mk->file);
    sb_printf(b, ", \"line\": %d}", mk->line);
  }
  sb_puts(b, m->n_unknown ? "\n  ],\n" : "],\n");
  problems(b, "problems", &m->problems, 1);
  problems(b, "warnings", &m->warnings, 0);
  sb_puts(b, "}\n");
}
