#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_MESSAGE = 200, MAX_UNMATCHED_LISTED = 20 };

const char *rule_result_name(rule_result r) {
  switch (r) {
    case RULE_PASS: return "pass";
    case RULE_FAIL: return "fail";
    case RULE_PARTIAL: return "partial";
    case RULE_NOT_RUN: return "not run";
    case RULE_NO_TEST: return "no test";
  }
  return "no test";
}

const char *problem_kind_name(problem_kind k) {
  switch (k) {
    case PROB_NO_IMPL: return "no-impl";
    case PROB_NO_VERIFY: return "no-verify";
    case PROB_FAILING_TEST: return "failing-test";
    case PROB_NOT_RUN: return "not-run";
    case PROB_UNKNOWN_ID: return "unknown-id";
    case PROB_SPEC_ONLY: return "spec-only";
    case PROB_REGISTRY_ONLY: return "registry-only";
    case PROB_LEVEL_MISMATCH: return "level-mismatch";
    case PROB_SPEC_DUPLICATE: return "spec-duplicate";
    case PROB_MAY_GAP: return "may-gap";
    case PROB_INCONSISTENT: return "inconsistent";
    case PROB_UNATTACHED_VERIFY: return "unattached-verify";
    case PROB_UNMATCHED_RESULT: return "unmatched-result";
    case PROB_INPUT: return "input";
    case PROB_MUTANT_SURVIVED: return "mutant-survived";
    case PROB_MUTANT_UNKNOWN_RULE: return "mutant-unknown-rule";
    case PROB_MUTANT_SITE: return "mutant-site";
    case PROB_MUTANT_NOT_RUN: return "mutant-not-run";
    case PROB_NO_MUTANT: return "no-mutant";
  }
  return "input";
}

static void add(problem_list *l, problem_kind kind, const char *rule_id,
                const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void add(problem_list *l, problem_kind kind, const char *rule_id,
                const char *file, int line, const char *fmt, ...) {
  sbuf b = {0};
  if (file && line > 0) sb_printf(&b, "%s:%d: ", file, line);
  else if (file) sb_printf(&b, "%s: ", file);
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  problem p = {kind, rule_id ? xstrdup(rule_id) : NULL,
               file ? xstrdup(file) : NULL, line, b.data ? b.data : xstrdup("")};
  VEC_PUSH(l, p);
}

/* First line of a test message, shortened, for one-line problems. */
static char *short_message(const char *msg) {
  size_t n = strcspn(msg, "\r\n");
  if (n > MAX_MESSAGE) n = MAX_MESSAGE;
  return xstrndup(msg, n);
}

static size_t count_defs(const test_def_list *defs, const char *name) {
  size_t n = 0;
  for (size_t i = 0; i < defs->n; i++) n += strcmp(defs->items[i].name, name) == 0;
  return n;
}

/* Does result r belong to the test `name` defined in source file `file`?
 * The result's <fn> names the file of its last checkpoint (the test's own
 * file unless a helper elsewhere failed); the log is named after the suite
 * source; a test name defined once in the tree needs neither. */
static int result_matches(const xml_result *r, const char *file,
                          const char *name, int unique) {
  if (strcmp(r->id, name) != 0) return 0;
  if (unique) return 1;
  if (strcmp(r->fn_file, path_basename(file)) == 0) return 1;
  char *stem = path_stem(file);
  int same = strcmp(r->log_stem, stem) == 0;
  free(stem);
  return same;
}

static void evaluate(trace_model *m, verification *v, unsigned char *used) {
  if (!v->m->test) {
    v->result = TEST_UNKNOWN;
    return;
  }
  int unique = count_defs(&m->scan.tests, v->m->test) == 1;
  for (size_t i = 0; i < m->results.n; i++) {
    const xml_result *r = &m->results.items[i];
    if (!result_matches(r, v->m->file, v->m->test, unique)) continue;
    used[i] = 1;
    v->runs++;
    if (r->result != TEST_PASS) {
      v->failures++;
      if (!v->first_failure) v->first_failure = r;
    }
  }
  v->result = v->runs == 0 ? TEST_NOT_RUN : v->failures ? TEST_FAIL : TEST_PASS;
}

static void collect_sites(trace_model *m, rule_view *rv) {
  const char *id = rv->rule->id;
  const marker_list *ml = &m->scan.markers;
  for (size_t i = 0; i < ml->n; i++) {
    const marker *mk = &ml->items[i];
    if (strcmp(mk->id, id) != 0) continue;
    if (mk->kind == MARK_IMPL) {
      rv->impl = xrealloc(rv->impl, (rv->n_impl + 1) * sizeof *rv->impl);
      rv->impl[rv->n_impl++] = mk;
      continue;
    }
    int seen = 0;
    for (size_t k = 0; k < rv->n_verify && !seen; k++) {
      const marker *o = rv->verify[k].m;
      seen = mk->test && o->test && strcmp(o->test, mk->test) == 0 &&
             strcmp(o->file, mk->file) == 0;
    }
    if (seen) continue;
    rv->verify = xrealloc(rv->verify, (rv->n_verify + 1) * sizeof *rv->verify);
    verification v = {0};
    v.m = mk;
    rv->verify[rv->n_verify++] = v;
  }
}

static rule_result aggregate(const rule_view *rv) {
  if (rv->n_verify == 0) return RULE_NO_TEST;
  int pass = 0, not_run = 0;
  for (size_t i = 0; i < rv->n_verify; i++) {
    switch (rv->verify[i].result) {
      case TEST_FAIL: return RULE_FAIL;
      case TEST_PASS: pass++; break;
      case TEST_NOT_RUN: not_run++; break;
      case TEST_UNKNOWN: break;
    }
  }
  if (pass && not_run) return RULE_PARTIAL;
  return pass ? RULE_PASS : RULE_NOT_RUN;
}

static void rule_problems(trace_model *m, const rule_view *rv) {
  const reg_rule *r = rv->rule;
  const char *reg = m->reg.path;
  int must = r->level == LEVEL_MUST;
  if (must && rv->n_impl == 0) {
    add(&m->problems, PROB_NO_IMPL, r->id, reg, r->line,
        "MUST rule %s has no implementation site (no impl marker)", r->id);
  }
  if (must && rv->n_verify == 0) {
    add(&m->problems, PROB_NO_VERIFY, r->id, reg, r->line,
        "MUST rule %s has no verifying test (no verify marker)", r->id);
  }
  if (!must && !r->not_implemented && (rv->n_impl == 0 || rv->n_verify == 0)) {
    add(&m->warnings, PROB_MAY_GAP, r->id, reg, r->line,
        "MAY rule %s is expected but has no %s; implement it or mark it "
        "not-implemented with a reason",
        r->id, rv->n_impl == 0 ? "implementation site" : "verifying test");
  }
  if (r->not_implemented && rv->n_impl > 0) {
    add(&m->warnings, PROB_INCONSISTENT, r->id, rv->impl[0]->file,
        rv->impl[0]->line,
        "rule %s is registered as not-implemented but has an impl marker",
        r->id);
  }
  for (size_t i = 0; i < rv->n_verify; i++) {
    const verification *v = &rv->verify[i];
    const marker *mk = v->m;
    int line = mk->test_line ? mk->test_line : mk->line;
    if (v->result == TEST_FAIL) {
      char *msg = short_message(v->first_failure->message);
      add(&m->problems, PROB_FAILING_TEST, r->id, mk->file, line,
          "test %s verifying %s failed (%d of %d runs)%s%s", mk->test, r->id,
          v->failures, v->runs, *msg ? ": " : "", msg);
      free(msg);
    } else if (v->result == TEST_NOT_RUN) {
      problem_list *l = (must && m->strict) ? &m->problems : &m->warnings;
      add(l, PROB_NOT_RUN, r->id, mk->file, line,
          "test %s verifying %s has no result (not run)", mk->test, r->id);
    } else if (v->result == TEST_UNKNOWN && scan_file_kind(mk->file) == 2) {
      add(&m->warnings, PROB_UNATTACHED_VERIFY, r->id, mk->file, mk->line,
          "verify marker for %s is not in or above a START_TEST; its result "
          "is unknown",
          r->id);
    }
  }
}

double mutation_score(size_t killed, size_t open) {
  return killed + open ? 100.0 * (double)killed / (double)(killed + open) : -1.0;
}

void rule_mutation_summary(const rule_view *rv, sbuf *out) {
  if (rv->n_mutants == 0) {
    sb_puts(out, "none");
    return;
  }
  size_t scored = rv->n_mutants - rv->mut_equivalent;
  sb_printf(out, "%zu/%zu killed", rv->mut_by_status[MUT_KILLED], scored);
  if (rv->mut_open) sb_printf(out, ", %zu survived", rv->mut_open);
  if (rv->mut_equivalent) sb_printf(out, ", %zu equivalent", rv->mut_equivalent);
  size_t site = rv->mut_by_status[MUT_SITE_MISSING] + rv->mut_by_status[MUT_AMBIGUOUS] +
                rv->mut_by_status[MUT_BUILD_FAILED];
  if (site) sb_printf(out, ", %zu without a site or build", site);
  if (rv->mut_by_status[MUT_NOT_RUN]) {
    sb_printf(out, ", %zu not run", rv->mut_by_status[MUT_NOT_RUN]);
  }
}

/* Joins the mutant catalogue and its results to the rules. A survivor not
 * marked equivalent is a problem: the rule's tests missed a real bug. */
static void mutation_join(trace_model *m) {
  trace_counts *c = &m->counts;
  const mutant_list *ml = &m->mutants;
  size_t not_run = 0, stale = 0;
  for (size_t i = 0; i < ml->n; i++) {
    const mutant *mu = &ml->items[i];
    c->mutants++;
    c->mut_by_status[mu->status]++;
    if (mu->equivalent) c->mut_equivalent++;
    if (mu->status == MUT_NOT_RUN) not_run++;
    stale += mu->stale != 0;
    long r = registry_find(&m->reg, mu->rule);
    if (r < 0) {
      add(&m->problems, PROB_MUTANT_UNKNOWN_RULE, mu->rule, ml->catalogue, mu->line,
          "mutant %s names unknown rule id %s", mu->id, mu->rule);
      continue;
    }
    rule_view *rv = &m->rules[r];
    rv->mutants = xrealloc(rv->mutants, (rv->n_mutants + 1) * sizeof *rv->mutants);
    rv->mutants[rv->n_mutants++] = mu;
    rv->mut_by_status[mu->status]++;
    if (mu->equivalent) rv->mut_equivalent++;
    if (mu->status == MUT_SURVIVED && !mu->equivalent) {
      rv->mut_open++;
      c->mut_open++;
      add(&m->problems, PROB_MUTANT_SURVIVED, mu->rule, ml->catalogue, mu->line,
          "mutant %s of %s survived: %s (%s); add a test that kills it, or mark "
          "it equivalent with a reason",
          mu->id, mu->rule, mu->why, mu->detail ? mu->detail : "no detail");
    } else if (mu->status == MUT_SITE_MISSING || mu->status == MUT_AMBIGUOUS ||
               mu->status == MUT_BUILD_FAILED) {
      add(&m->warnings, PROB_MUTANT_SITE, mu->rule, ml->catalogue, mu->line,
          "mutant %s of %s: %s (%s); update its row", mu->id, mu->rule,
          mutant_status_key(mu->status), mu->detail ? mu->detail : "no detail");
    }
  }
  if (not_run) {
    add(&m->warnings, PROB_MUTANT_NOT_RUN, NULL, ml->catalogue, 0,
        "%zu of %zu mutants have no current result (%zu stale); run "
        "scripts/mutate --status not-run",
        not_run, ml->n, stale);
  }
  for (size_t i = 0; i < m->n_rules; i++) {
    rule_view *rv = &m->rules[i];
    if (rv->n_mutants) {
      c->rules_with_mutants++;
      size_t scored = rv->n_mutants - rv->mut_equivalent;
      size_t killed_scored = 0;
      for (size_t k = 0; k < rv->n_mutants; k++) {
        killed_scored += !rv->mutants[k]->equivalent &&
                         rv->mutants[k]->status == MUT_KILLED;
      }
      if (killed_scored == scored) c->rules_all_killed++;
    } else if (rv->n_impl && !rv->rule->not_implemented) {
      add(&m->warnings, PROB_NO_MUTANT, rv->rule->id, m->reg.path, rv->rule->line,
          "rule %s has implementation sites but no mutant in %s", rv->rule->id,
          ml->catalogue);
    }
  }
}

static void spec_checks(trace_model *m) {
  for (size_t i = 0; i < m->spec_problems.n; i++) {
    add(&m->problems, PROB_SPEC_DUPLICATE, NULL, NULL, 0, "%s",
        m->spec_problems.items[i]);
  }
  if (!m->have_specs) return;
  for (size_t i = 0; i < m->specs.n; i++) {
    const spec_rule *s = &m->specs.items[i];
    if (registry_find(&m->reg, s->id) < 0) {
      add(&m->problems, PROB_SPEC_ONLY, s->id, s->file, s->line,
          "rule %s is in the spec but not in the registry", s->id);
    }
  }
  for (size_t i = 0; i < m->n_rules; i++) {
    const rule_view *rv = &m->rules[i];
    const reg_rule *r = rv->rule;
    if (!rv->spec) {
      add(&m->problems, PROB_REGISTRY_ONLY, r->id, m->reg.path, r->line,
          "rule %s is in the registry but in no spec file", r->id);
    } else if (rv->spec->level != SPEC_LEVEL_NONE &&
               (int)rv->spec->level != (int)r->level) {
      add(&m->problems, PROB_LEVEL_MISMATCH, r->id, m->reg.path, r->line,
          "rule %s is %s in the registry but %s in %s:%d", r->id,
          level_name(r->level),
          rv->spec->level == SPEC_LEVEL_MAY ? "MAY" : "MUST", rv->spec->file,
          rv->spec->line);
    }
  }
}

void model_join(trace_model *m, int strict) {
  m->strict = strict;
  m->n_rules = m->reg.n;
  m->rules = xcalloc(m->n_rules ? m->n_rules : 1, sizeof *m->rules);
  unsigned char *used = xcalloc(m->results.n ? m->results.n : 1, 1);
  trace_counts *c = &m->counts;
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < m->n_rules; i++) {
    rule_view *rv = &m->rules[i];
    rv->rule = &m->reg.items[i];
    long s = m->have_specs ? spec_find(&m->specs, rv->rule->id) : -1;
    rv->spec = s >= 0 ? &m->specs.items[s] : NULL;
    collect_sites(m, rv);
    for (size_t k = 0; k < rv->n_verify; k++) evaluate(m, &rv->verify[k], used);
    rv->result = aggregate(rv);
    c->rules++;
    if (rv->rule->level == LEVEL_MUST) c->must++;
    else c->may++;
    if (rv->rule->not_implemented) c->may_not_implemented++;
    if (rv->n_impl) c->implemented++;
    if (rv->n_verify) c->verified++;
    c->by_result[rv->result]++;
    if (rv->rule->level == LEVEL_MUST && rv->n_impl && rv->result == RULE_PASS) {
      c->must_complete++;
    }
    rule_problems(m, rv);
  }
  /* Markers naming ids that the registry does not know. */
  for (size_t i = 0; i < m->scan.markers.n; i++) {
    const marker *mk = &m->scan.markers.items[i];
    if (mk->kind == MARK_IMPL) c->impl_markers++;
    else c->verify_markers++;
    if (registry_find(&m->reg, mk->id) >= 0) continue;
    m->unknown = xrealloc(m->unknown, (m->n_unknown + 1) * sizeof *m->unknown);
    m->unknown[m->n_unknown++] = mk;
    add(&m->problems, PROB_UNKNOWN_ID, mk->id, mk->file, mk->line,
        "%s marker names unknown rule id %s", marker_kind_name(mk->kind),
        mk->id);
  }
  c->unknown_markers = m->n_unknown;
  spec_checks(m);
  if (m->have_mutants) mutation_join(m);
  /* Results that no scanned START_TEST accounts for. */
  size_t ndefs = m->scan.tests.n;
  unsigned char *uniq = xcalloc(ndefs ? ndefs : 1, 1);
  for (size_t k = 0; k < ndefs; k++) {
    uniq[k] = count_defs(&m->scan.tests, m->scan.tests.items[k].name) == 1;
  }
  size_t listed = 0;
  for (size_t i = 0; i < m->results.n; i++) {
    if (used[i]) continue;
    const xml_result *r = &m->results.items[i];
    int defined = 0;
    for (size_t k = 0; k < ndefs && !defined; k++) {
      const test_def *d = &m->scan.tests.items[k];
      defined = result_matches(r, d->file, d->name, uniq[k]);
    }
    if (defined) continue; /* a test without verify markers: fine */
    c->results_unmatched++;
    if (r->iteration == 0 && listed < MAX_UNMATCHED_LISTED) {
      listed++;
      add(&m->warnings, PROB_UNMATCHED_RESULT, NULL, r->log, 0,
          "result for test %s (%s:%d) matches no START_TEST in the scanned "
          "tree",
          r->id, r->fn_file, r->fn_line);
    }
  }
  for (size_t i = 0; i < m->input_warnings.n; i++) {
    add(&m->warnings, PROB_INPUT, NULL, NULL, 0, "%s", m->input_warnings.items[i]);
  }
  for (size_t i = 0; i < m->scan.warnings.n; i++) {
    add(&m->warnings, PROB_INPUT, NULL, NULL, 0, "%s", m->scan.warnings.items[i]);
  }
  free(uniq);
  c->tests_defined = m->scan.tests.n;
  c->results_loaded = m->results.n;
  c->result_logs = m->results.logs;
  c->files_scanned = m->scan.files_scanned;
  free(used);
}

static void problem_list_free(problem_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->items[i].rule_id);
    free(l->items[i].file);
    free(l->items[i].text);
  }
  free(l->items);
  memset(l, 0, sizeof *l);
}

void model_free(trace_model *m) {
  for (size_t i = 0; i < m->n_rules; i++) {
    free(m->rules[i].impl);
    free(m->rules[i].verify);
    free(m->rules[i].mutants);
  }
  free(m->rules);
  free(m->unknown);
  problem_list_free(&m->problems);
  problem_list_free(&m->warnings);
  registry_free(&m->reg);
  scan_result_free(&m->scan);
  result_list_free(&m->results);
  strlist_free(&m->results_dirs);
  spec_list_free(&m->specs);
  strlist_free(&m->spec_problems);
  strlist_free(&m->input_warnings);
  mutants_free(&m->mutants);
  free(m->root);
  memset(m, 0, sizeof *m);
}
