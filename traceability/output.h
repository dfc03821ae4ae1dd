/* The report writers. Each renders the joined model into a buffer; none
 * changes the model. */
#ifndef VMIR_TRACE_OUTPUT_H
#define VMIR_TRACE_OUTPUT_H

#include "model.h"
#include "util.h"

#define VMIR_TRACE_VERSION "1.0.0"
#define VMIR_TRACE_SCHEMA_VERSION 1

typedef struct {
  const char *title;        /* page / document title */
  const char *generated_at; /* ISO 8601 UTC */
  /* Prefix for links to source files: href = source_base + path + "#L" +
   * line. "" makes links relative to the output file's folder. */
  const char *source_base;
  /* Link prefix for each spec file, parallel to model->specs.files;
   * NULL entries (or a NULL array) give no link. */
  const char *const *spec_hrefs;
  /* HTML fragments added as further report sections (file paths). */
  const strlist *extra_sections;
  int verbose;       /* text: one line per rule, and the warnings */
  int list_problems; /* text: one line per problem */
} out_options;

/* Stable machine names: "pass", "fail", "partial", "not-run", "no-test". */
const char *rule_result_key(rule_result r);
/* "pass", "fail", "not-run", "unknown". */
const char *test_result_key(test_result r);

/* Gap names of a rule (space-separated, "" when none): no-impl, no-verify,
 * failing-test, not-run. Rules registered not-implemented have no
 * no-impl/no-verify gaps. */
void rule_gaps(const rule_view *rv, sbuf *out);

/* Link target for a source path relative to the scanned root. */
void source_href(sbuf *b, const out_options *o, const char *file, int line);
/* Link prefix for a spec file of the model, or NULL. */
const char *spec_href(const trace_model *m, const out_options *o,
                      const char *file);

void out_text(const trace_model *m, const out_options *o, sbuf *b);
void out_json(const trace_model *m, const out_options *o, sbuf *b);
void out_markdown(const trace_model *m, const out_options *o, sbuf *b);
/* Returns 0, or -1 with errors when an extra section cannot be read. */
int out_html(const trace_model *m, const out_options *o, sbuf *b,
             strlist *errors);

#endif
