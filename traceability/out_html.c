/* The HTML report: one self-contained page (inline CSS and JS, no network)
 * made of sections under a nav bar. The Traceability section is generated
 * here; further sections (benchmarks, fuzzing, ...) come from HTML fragment
 * files given with --extra-section, each wrapped in its own <section>. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "html_assets.h"
#include "output.h"

#define MAX_FRAGMENT_BYTES ((size_t)16 << 20)

typedef struct {
  char *id;    /* section element id */
  char *title; /* nav label */
  char *html;  /* the fragment */
} section;

static void link(sbuf *b, const out_options *o, const char *file, int line) {
  sb_puts(b, "<a href=\"");
  sbuf href = {0};
  source_href(&href, o, file, line);
  esc_html(b, sb_str(&href));
  sb_free(&href);
  sb_puts(b, "\">");
  esc_html(b, file);
  sb_printf(b, ":%d</a>", line);
}

/* A rule id with line-break opportunities after its dots. */
static void id_with_breaks(sbuf *b, const char *id) {
  for (const char *p = id; *p; p++) {
    char c[2] = {*p, '\0'};
    esc_html(b, c);
    if (*p == '.' && p[1]) sb_puts(b, "<wbr>");
  }
}

static void card(sbuf *b, const char *result, size_t n, const char *label) {
  sb_puts(b, "<div class=\"card\"");
  if (result) sb_printf(b, " data-result=\"%s\" title=\"show only these\"", result);
  sb_printf(b, "><div class=\"n\">%zu</div><div class=\"l\">", n);
  esc_html(b, label);
  sb_puts(b, "</div></div>\n");
}

static void cards(sbuf *b, const trace_model *m) {
  const trace_counts *c = &m->counts;
  sb_puts(b, "<div class=\"cards\" id=\"trace-counts\">\n");
  card(b, "all", c->rules, "rules");
  card(b, NULL, c->must, "MUST");
  card(b, NULL, c->may, "MAY");
  card(b, NULL, c->implemented, "implemented");
  card(b, NULL, c->verified, "verified");
  for (int r = 0; r < RULE_RESULT_COUNT; r++) {
    card(b, rule_result_key((rule_result)r), c->by_result[r],
         rule_result_name((rule_result)r));
  }
  card(b, NULL, c->must_complete, "MUST complete");
  card(b, NULL, c->unknown_markers, "unknown ids");
  if (m->have_mutants) {
    double score = mutation_score(c->mut_by_status[MUT_KILLED], c->mut_open);
    sb_puts(b, "<div class=\"card\" id=\"mutation-score\"><div class=\"n\">");
    if (score < 0) sb_puts(b, "n/a");
    else sb_printf(b, "%.1f%%", score);
    sb_puts(b, "</div><div class=\"l\">mutation score</div></div>\n");
    card(b, NULL, c->mut_by_status[MUT_KILLED], "mutants killed");
    card(b, NULL, c->mut_open, "mutants survived");
  }
  card(b, NULL, m->problems.n, "problems");
  sb_puts(b, "</div>\n");
}

/* The catalogue's path relative to the scanned root, for source links. */
static const char *catalogue_rel(const trace_model *m) {
  const char *cat = m->mutants.catalogue;
  size_t n = strlen(m->root);
  if (strncmp(cat, m->root, n) == 0 && cat[n] == '/') return cat + n + 1;
  return cat;
}

/* The mutation cell: a badge with the rule's summary, then each mutant. */
static void mutation_cell(sbuf *b, const out_options *o, const trace_model *m,
                          const rule_view *rv) {
  sb_puts(b, "<td class=\"mutants\">");
  sbuf sum = {0};
  rule_mutation_summary(rv, &sum);
  const char *cls = rv->n_mutants == 0 ? "no-test"
                    : rv->mut_open ? "fail"
                    : rv->mut_by_status[MUT_KILLED] + rv->mut_equivalent == rv->n_mutants
                        ? "pass"
                        : "not-run";
  sb_printf(b, "<span class=\"badge %s\">", cls);
  esc_html(b, sb_str(&sum));
  sb_puts(b, "</span>");
  sb_free(&sum);
  if (rv->n_mutants) {
    sb_puts(b, "<ul>");
    for (size_t i = 0; i < rv->n_mutants; i++) {
      const mutant *mu = rv->mutants[i];
      const char *st = mutant_status_key(mu->status);
      sb_printf(b, "<li title=\"");
      esc_html(b, mu->why);
      if (mu->equivalent) {
        sb_puts(b, " | equivalent: ");
        esc_html(b, mu->equivalent);
      }
      if (mu->detail) {
        sb_puts(b, " | ");
        esc_html(b, mu->detail);
      }
      sb_puts(b, "\">");
      sb_printf(b, "<span class=\"badge %s\">%s%s</span> ",
                mu->status == MUT_KILLED ? "pass"
                : mu->status == MUT_SURVIVED && !mu->equivalent ? "fail"
                                                               : "not-run",
                st, mu->equivalent ? " (equivalent)" : "");
      link(b, o, catalogue_rel(m), mu->line);
      sb_puts(b, " ");
      esc_html(b, mu->id);
      sb_puts(b, "</li>");
    }
    sb_puts(b, "</ul>");
  }
  sb_puts(b, "</td>\n");
}

static void filters(sbuf *b, const trace_model *m) {
  sb_puts(b, "<div class=\"filters\" id=\"trace-filters\">\n<span>Result:</span>\n");
  for (int r = 0; r < RULE_RESULT_COUNT; r++) {
    const char *k = rule_result_key((rule_result)r);
    sb_printf(b,
              "<label><input type=\"checkbox\" data-result=\"%s\" checked> "
              "<span class=\"badge %s\">%s</span></label>\n",
              k, k, rule_result_name((rule_result)r));
  }
  sb_puts(b,
          "<label>Level: <select id=\"f-level\"><option value=\"all\">all"
          "</option><option>MUST</option><option>MAY</option></select>"
          "</label>\n"
          "<label><input type=\"checkbox\" id=\"f-gaps\"> gaps only</label>\n"
          "<label><input type=\"search\" id=\"f-text\" placeholder=\"filter "
          "by id, file, test...\"></label>\n");
  sb_printf(b, "<span>showing <b id=\"f-shown\">%zu</b> of %zu</span>\n",
            m->n_rules, m->n_rules);
  sb_puts(b, "</div>\n");
}

static void verify_item(sbuf *b, const out_options *o, const verification *v) {
  const marker *mk = v->m;
  sb_printf(b, "<li><span class=\"badge %s\">%s</span> ",
            test_result_key(v->result), test_result_name(v->result));
  if (mk->test) {
    esc_html(b, mk->test);
    sb_puts(b, " ");
    link(b, o, mk->file, mk->test_line);
    if (v->runs > 1) sb_printf(b, " (%d runs, %d failed)", v->runs, v->failures);
  } else {
    link(b, o, mk->file, mk->line);
  }
  if (v->first_failure && *v->first_failure->message) {
    sb_puts(b, "<div class=\"msg\">");
    esc_html(b, v->first_failure->fn_file);
    sb_printf(b, ":%d: ", v->first_failure->fn_line);
    esc_html(b, v->first_failure->message);
    sb_puts(b, "</div>");
  }
  sb_puts(b, "</li>");
}

static void row(sbuf *b, const trace_model *m, const out_options *o,
                const rule_view *rv) {
  const reg_rule *r = rv->rule;
  sbuf gaps = {0};
  rule_gaps(rv, &gaps);
  const char *res = rule_result_key(rv->result);
  sb_puts(b, "<tr class=\"rule\" id=\"rule-");
  esc_html(b, r->id);
  sb_printf(b, "\" data-level=\"%s\" data-result=\"%s\" data-gaps=\"",
            level_name(r->level), res);
  esc_html(b, sb_str(&gaps));
  sb_puts(b, "\">\n<td class=\"id\"><a href=\"#rule-");
  esc_html(b, r->id);
  sb_puts(b, "\">");
  id_with_breaks(b, r->id);
  sb_puts(b, "</a>");
  if (rv->spec) {
    const char *href = spec_href(m, o, rv->spec->file);
    sb_puts(b, "<br><small>");
    if (href) {
      sb_puts(b, "<a href=\"");
      esc_html(b, href);
      sb_printf(b, "#L%d\">", rv->spec->line);
    }
    esc_html(b, path_basename(rv->spec->file));
    sb_printf(b, ":%d%s</small>", rv->spec->line, href ? "</a>" : "");
  }
  sb_printf(b, "</td>\n<td><span class=\"badge %s\">%s</span></td>\n<td>",
            level_name(r->level), level_name(r->level));
  esc_html(b, r->summary);
  if (r->not_implemented) {
    sb_puts(b, "<br><small class=\"none\">not implemented: ");
    esc_html(b, r->reason);
    sb_puts(b, "</small>");
  }
  sb_puts(b, "</td>\n<td>");
  if (rv->n_impl) {
    sb_puts(b, "<ul>");
    for (size_t i = 0; i < rv->n_impl; i++) {
      sb_puts(b, "<li>");
      link(b, o, rv->impl[i]->file, rv->impl[i]->line);
      sb_puts(b, "</li>");
    }
    sb_puts(b, "</ul>");
  } else {
    sb_puts(b, "<span class=\"none\">none</span>");
  }
  sb_puts(b, "</td>\n<td>");
  if (rv->n_verify) {
    sb_puts(b, "<ul>");
    for (size_t i = 0; i < rv->n_verify; i++) verify_item(b, o, &rv->verify[i]);
    sb_puts(b, "</ul>");
  } else {
    sb_puts(b, "<span class=\"none\">none</span>");
  }
  sb_printf(b, "</td>\n<td><span class=\"badge %s\">%s</span>", res,
            rule_result_name(rv->result));
  if (gaps.len) {
    sb_puts(b, "<br><small class=\"none\">");
    esc_html(b, sb_str(&gaps));
    sb_puts(b, "</small>");
  }
  sb_puts(b, "</td>\n");
  if (m->have_mutants) mutation_cell(b, o, m, rv);
  sb_puts(b, "</tr>\n");
  sb_free(&gaps);
}

static void list_details(sbuf *b, const char *id, const char *title,
                         const problem_list *l, int open) {
  sb_printf(b, "<details id=\"%s\"%s><summary>%s (%zu)</summary>\n<ul>\n", id,
            open && l->n ? " open" : "", title, l->n);
  for (size_t i = 0; i < l->n; i++) {
    sb_printf(b, "<li data-kind=\"%s\">", problem_kind_name(l->items[i].kind));
    esc_html(b, l->items[i].text);
    sb_puts(b, "</li>\n");
  }
  sb_puts(b, "</ul>\n</details>\n");
}

static void traceability(sbuf *b, const trace_model *m, const out_options *o) {
  sb_puts(b, "<section class=\"report-section\" id=\"traceability\">\n"
             "<h2>Traceability</h2>\n<p class=\"none\">Each rule of the "
             "specification with the code that implements it, the tests that "
             "verify it and their last result. Registry: <code>");
  esc_html(b, m->reg.path);
  sb_puts(b, "</code>");
  if (!m->have_specs) sb_puts(b, "; specs not cross-checked");
  sb_puts(b, ".</p>\n");
  cards(b, m);
  filters(b, m);
  sb_puts(b, "<table class=\"matrix\" id=\"trace-matrix\">\n<thead><tr><th>Rule"
             "</th><th>Level</th><th>Summary</th><th>Implemented at</th>"
             "<th>Verified by</th><th>Last result</th>");
  if (m->have_mutants) sb_puts(b, "<th>Mutants (killed/scored)</th>");
  sb_puts(b, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < m->n_rules; i++) row(b, m, o, &m->rules[i]);
  sb_puts(b, "</tbody>\n</table>\n");
  list_details(b, "trace-problems", "Problems", &m->problems, 1);
  list_details(b, "trace-warnings", "Warnings", &m->warnings, 0);
  sb_puts(b, "</section>\n");
}

/* Nav label of a fragment: the text of its first <h2>, else the file stem. */
static char *fragment_title(const char *html, const char *path) {
  const char *h = strstr(html, "<h2");
  const char *s = h ? strchr(h, '>') : NULL;
  const char *e = s ? strstr(s, "</h2>") : NULL;
  if (s && e && e > s + 1) {
    sbuf t = {0};
    int in_tag = 0;
    for (const char *p = s + 1; p < e && t.len < 80; p++) {
      if (*p == '<') in_tag = 1;
      else if (*p == '>') in_tag = 0;
      else if (!in_tag && *p != '\n' && *p != '\r') sb_putc(&t, *p);
    }
    if (t.len) return t.data;
    sb_free(&t);
  }
  return path_stem(path);
}

static char *slug(const char *title, size_t index) {
  sbuf s = {0};
  sb_puts(&s, "sec-");
  for (const char *p = title; *p && s.len < 60; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb_putc(&s, c);
    else if (s.len && s.data[s.len - 1] != '-') sb_putc(&s, '-');
  }
  sb_printf(&s, "-%zu", index + 1);
  return s.data;
}

int out_html(const trace_model *m, const out_options *o, sbuf *b,
             strlist *errors) {
  size_t nsec = o->extra_sections ? o->extra_sections->n : 0;
  section *secs = xcalloc(nsec ? nsec : 1, sizeof *secs);
  int rc = 0;
  for (size_t i = 0; i < nsec; i++) {
    const char *path = o->extra_sections->items[i];
    char err[256];
    secs[i].html = read_file(path, MAX_FRAGMENT_BYTES, NULL, err, sizeof err);
    if (!secs[i].html) {
      strlist_printf(errors, "%s: cannot read extra section: %s", path, err);
      rc = -1;
      continue;
    }
    secs[i].title = fragment_title(secs[i].html, path);
    secs[i].id = slug(secs[i].title, i);
  }
  if (rc == 0) {
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
               "\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-"
               "width, initial-scale=1\">\n<title>");
    esc_html(b, o->title);
    sb_puts(b, "</title>\n<style>\n");
    sb_puts(b, html_css);
    sb_puts(b, "</style>\n</head>\n<body data-js-ok=\"0\">\n"
               "<header class=\"top\">\n<h1>");
    esc_html(b, o->title);
    sb_puts(b, "</h1>\n<nav class=\"sections\"><a href=\"#traceability\">"
               "Traceability</a>");
    for (size_t i = 0; i < nsec; i++) {
      sb_printf(b, "<a href=\"#%s\">", secs[i].id);
      esc_html(b, secs[i].title);
      sb_puts(b, "</a>");
    }
    sb_puts(b, "</nav>\n<span class=\"meta\">generated ");
    esc_html(b, o->generated_at);
    sb_puts(b, " by vmir-trace " VMIR_TRACE_VERSION "</span>\n</header>\n"
               "<main>\n");
    traceability(b, m, o);
    for (size_t i = 0; i < nsec; i++) {
      sb_printf(b, "<section class=\"report-section\" id=\"%s\">\n",
                secs[i].id);
      sb_puts(b, secs[i].html);
      sb_puts(b, "\n</section>\n");
    }
    sb_puts(b, "</main>\n<footer>JSON schema version ");
    sb_printf(b, "%d", VMIR_TRACE_SCHEMA_VERSION);
    sb_puts(b, "; this page needs no network.</footer>\n<script>\n");
    sb_puts(b, html_js);
    sb_puts(b, "</script>\n</body>\n</html>\n");
  }
  for (size_t i = 0; i < nsec; i++) {
    free(secs[i].id);
    free(secs[i].title);
    free(secs[i].html);
  }
  free(secs);
  return rc;
}
