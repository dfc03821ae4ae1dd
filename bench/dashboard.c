/* vmir-dashboard: turns a Google Benchmark JSON file into the report's
 * "Benchmarks" section: per workload, every variant's throughput and its
 * ratio to the baseline (hand-written C where there is one, else the
 * interpreter), as a table with inline SVG bars. No network, no scripts. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
  char group[96];     /* "encode/twitter" */
  char variant[64];   /* "vmir-interp-json" */
  double cpu_ns;      /* per iteration */
  double bytes_per_s;
} row;

static void usage(FILE *f) {
  fprintf(f, "usage: vmir-dashboard BENCH.json [-o SECTION.html]\n"
             "Writes an HTML fragment (a <section> with an <h2>) for scripts/report.\n");
}

static void html_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else fputc(*s, f);
  }
}

static double baseline_ns(const row *rows, size_t n, const char *group) {
  const char *prefer[] = {"handwritten-c", "vmir-interp-json", "vmir-interp-fused"};
  for (size_t p = 0; p < 3; p++)
    for (size_t i = 0; i < n; i++)
      if (!strcmp(rows[i].group, group) && !strcmp(rows[i].variant, prefer[p])) return rows[i].cpu_ns;
  /* no named baseline: the interpreter variant listed first */
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rows[i].group, group) && !strncmp(rows[i].variant, "vmir-interp", 11)) return rows[i].cpu_ns;
  return 0;
}

static const char *baseline_name(const row *rows, size_t n, const char *group) {
  const char *prefer[] = {"handwritten-c", "vmir-interp-json", "vmir-interp-fused"};
  for (size_t p = 0; p < 3; p++)
    for (size_t i = 0; i < n; i++)
      if (!strcmp(rows[i].group, group) && !strcmp(rows[i].variant, prefer[p])) return prefer[p];
  return "?";
}

int main(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { usage(stdout); return 0; }
    if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!in) in = argv[i];
    else { usage(stderr); return 2; }
  }
  if (!in) { usage(stderr); return 2; }
  json_object *root = json_object_from_file(in);
  if (!root) { fprintf(stderr, "vmir-dashboard: %s: not a JSON file\n", in); return 1; }
  json_object *benches, *context;
  if (!json_object_object_get_ex(root, "benchmarks", &benches)) {
    fprintf(stderr, "vmir-dashboard: %s: no \"benchmarks\" array\n", in);
    return 1;
  }
  size_t n = json_object_array_length(benches);
  row *rows = calloc(n ? n : 1, sizeof *rows);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    json_object *b = json_object_array_get_idx(benches, i), *v;
    if (!json_object_object_get_ex(b, "name", &v)) continue;
    const char *name = json_object_get_string(v);
    const char *last = strrchr(name, '/');
    if (!last) continue;
    row *r = &rows[m];
    snprintf(r->group, sizeof r->group, "%.*s", (int)(last - name), name);
    snprintf(r->variant, sizeof r->variant, "%s", last + 1);
    if (json_object_object_get_ex(b, "cpu_time", &v)) r->cpu_ns = json_object_get_double(v);
    json_object *unit;
    if (json_object_object_get_ex(b, "time_unit", &unit) && !strcmp(json_object_get_string(unit), "us"))
      r->cpu_ns *= 1e3;
    if (json_object_object_get_ex(b, "bytes_per_second", &v)) r->bytes_per_s = json_object_get_double(v);
    if (r->cpu_ns > 0) m++;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) { perror(out); return 1; }
  fprintf(f, "<section id=\"benchmarks\">\n<h2>Benchmarks</h2>\n");
  const char *host = "";
  if (json_object_object_get_ex(root, "context", &context)) {
    json_object *v;
    if (json_object_object_get_ex(context, "date", &v)) host = json_object_get_string(v);
  }
  fprintf(f, "<p>One run of <code>vmir-bench</code> (%s). Figures are CPU time per document and "
             "ratios to the workload's baseline taken in the same run; machines here are shared, "
             "so compare ratios, not absolute numbers.</p>\n", host);
  for (size_t i = 0; i < m; i++) {
    bool first = true;
    for (size_t j = 0; j < i; j++) first = first && strcmp(rows[j].group, rows[i].group) != 0;
    if (!first) continue;
    double base = baseline_ns(rows, m, rows[i].group);
    double worst = 0;
    for (size_t j = i; j < m; j++)
      if (!strcmp(rows[j].group, rows[i].group) && rows[j].cpu_ns > worst) worst = rows[j].cpu_ns;
    fprintf(f, "<h3>");
    html_text(f, rows[i].group);
    fprintf(f, "</h3>\n<table class=\"bench\"><tr><th>variant</th><th>CPU time</th><th>MB/s</th>"
               "<th>× %s</th><th></th></tr>\n", baseline_name(rows, m, rows[i].group));
    for (size_t j = i; j < m; j++) {
      if (strcmp(rows[j].group, rows[i].group)) continue;
      double ratio = base > 0 ? rows[j].cpu_ns / base : 0;
      int width = worst > 0 ? (int)(300.0 * rows[j].cpu_ns / worst) : 0;
      fprintf(f, "<tr><td>");
      html_text(f, rows[j].variant);
      fprintf(f, "</td><td>%.0f µs</td><td>%.0f</td><td>%.2f</td>"
                 "<td><svg width=\"300\" height=\"12\"><rect width=\"%d\" height=\"12\" fill=\"%s\"/></svg></td></tr>\n",
              rows[j].cpu_ns / 1e3, rows[j].bytes_per_s / 1e6, ratio, width,
              strncmp(rows[j].variant, "vmir", 4) == 0 ? "#3b6ea5" : "#999");
    }
    fprintf(f, "</table>\n");
  }
  fprintf(f, "</section>\n");
  if (out) fclose(f);
  free(rows);
  json_object_put(root);
  return 0;
}
