#include "output.h"

#include <string.h>

#include "escape.h"

const char *rule_result_key(rule_result r) {
  switch (r) {
    case RULE_PASS: return "pass";
    case RULE_FAIL: return "fail";
    case RULE_PARTIAL: return "partial";
    case RULE_NOT_RUN: return "not-run";
    case RULE_NO_TEST: return "no-test";
  }
  return "no-test";
}

const char *test_result_key(test_result r) {
  switch (r) {
    case TEST_PASS: return "pass";
    case TEST_FAIL: return "fail";
    case TEST_NOT_RUN: return "not-run";
    case TEST_UNKNOWN: return "unknown";
  }
  return "unknown";
}

static void gap(sbuf *out, const char *name) {
  if (out->len) sb_putc(out, ' ');
  sb_puts(out, name);
}

void rule_gaps(const rule_view *rv, sbuf *out) {
  sb_putn(out, "", 0);
  int expected = !rv->rule->not_implemented;
  if (expected && rv->n_impl == 0) gap(out, "no-impl");
  if (expected && rv->n_verify == 0) gap(out, "no-verify");
  int failing = 0, not_run = 0;
  for (size_t i = 0; i < rv->n_verify; i++) {
    failing |= rv->verify[i].result == TEST_FAIL;
    not_run |= rv->verify[i].result == TEST_NOT_RUN;
  }
  if (failing) gap(out, "failing-test");
  if (not_run) gap(out, "not-run");
}

void source_href(sbuf *b, const out_options *o, const char *file, int line) {
  sb_puts(b, o->source_base ? o->source_base : "");
  esc_url_path(b, file);
  if (line > 0) sb_printf(b, "#L%d", line);
}

const char *spec_href(const trace_model *m, const out_options *o,
                      const char *file) {
  if (!o->spec_hrefs) return NULL;
  for (size_t i = 0; i < m->specs.files.n; i++) {
    if (strcmp(m->specs.files.items[i], file) == 0) return o->spec_hrefs[i];
  }
  return NULL;
}
