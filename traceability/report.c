/* vmir-trace: joins the requirement registry, the t[impl]/t[verify] markers
 * of a source tree, Check's XML test logs and the spec files into a
 * traceability report (text, JSON, Markdown, HTML). See --help and
 * docs/traceability.md. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "output.h"

typedef struct {
  const char *root;
  const char *registry;
  const char *mutants;          /* catalogue; NULL: the default if present */
  const char *mutation_results; /* NULL: beside the default location */
  int no_mutants;
  strlist results;
  strlist specs;
  strlist excludes;
  strlist extra_sections;
  const char *json, *markdown, *html, *text;
  const char *source_base;
  const char *title;
  int check, strict, verbose, quiet;
} options;

static void usage(FILE *f) {
  fputs(
      "usage: vmir-trace [options]\n"
      "Joins the requirement registry, the t[impl ID] / t[verify ID] markers\n"
      "of a source tree and Check's XML test logs into a traceability report.\n"
      "\n"
      "Inputs:\n"
      "  --root DIR            source tree to scan (default: the nearest\n"
      "                        folder at or above the current one that holds\n"
      "                        traceability/registry.tsv, else .)\n"
      "  --registry FILE       rule registry (default:\n"
      "                        ROOT/traceability/registry.tsv)\n"
      "  --results DIR         folder of Check XML logs (*.xml, there and in its\n"
      "                        folders one level down); repeatable (default:\n"
      "                        ROOT/build/conformance/results when it exists)\n"
      "  --no-results          read no test logs (every test is 'not run')\n"
      "  --spec FILE...        spec Markdown files to cross-check against the\n"
      "                        registry (\"> t[ID]\" rule lines); takes every\n"
      "                        following argument up to the next option\n"
      "  --exclude PATH        skip PATH (relative to ROOT) when scanning;\n"
      "                        repeatable\n"
      "  --mutants FILE        mutant catalogue (default:\n"
      "                        ROOT/traceability/mutants.tsv when it exists)\n"
      "  --mutation-results FILE  results of scripts/mutate (default:\n"
      "                        mutation-results.tsv beside the catalogue)\n"
      "  --no-mutants          read no mutation data\n"
      "\n"
      "Outputs (FILE may be - for stdout; parent folders are created):\n"
      "  --json FILE           JSON report (schema_version 1)\n"
      "  --markdown FILE       Markdown report\n"
      "  --html FILE           self-contained HTML report page\n"
      "  --text FILE           the text summary to FILE instead of stdout\n"
      "  --extra-section FILE  HTML fragment added to the page as a further\n"
      "                        section (nav label: its first <h2>);\n"
      "                        repeatable\n"
      "  --source-base URL     prefix of source links (default: the relative\n"
      "                        path from the output file to ROOT)\n"
      "  --title TEXT          report title (default: vmir report)\n"
      "\n"
      "Behaviour:\n"
      "  --check               exit 1 when there are problems (a MUST rule\n"
      "                        without impl site or verifying test, a failing\n"
      "                        verifying test, a marker with an unknown id,\n"
      "                        spec and registry disagreeing, a mutant that\n"
      "                        survived and is not marked equivalent),\n"
      "                        listing each\n"
      "  --strict              with --check: verifying tests of MUST rules\n"
      "                        that did not run are problems too\n"
      "  -v, --verbose         text summary lists every rule and warning\n"
      "  -q, --quiet           no text summary\n"
      "  -h, --help            this text\n"
      "  --version             print the version\n"
      "\n"
      "Exit status: 0 done, 1 problems found with --check, 2 bad input.\n",
      f);
}

static int die(const char *msg, const char *arg) {
  fprintf(stderr, "vmir-trace: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
  fputs("Try 'vmir-trace --help'.\n", stderr);
  return 2;
}

static int parse_args(int argc, char **argv, options *o, int *exit_now) {
  static const char *const needs_value[] = {
      "--root", "--registry", "--results", "--exclude", "--json", "--markdown",
      "--html", "--text", "--extra-section", "--source-base", "--title",
      "--mutants", "--mutation-results"};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int takes = 0;
    for (size_t k = 0; k < sizeof needs_value / sizeof *needs_value; k++) {
      takes |= strcmp(a, needs_value[k]) == 0;
    }
    if (takes && i + 1 >= argc) return die("missing value after", a);
    const char *v = takes ? argv[++i] : NULL;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      *exit_now = 1;
      return 0;
    } else if (strcmp(a, "--version") == 0) {
      printf("vmir-trace %s (JSON schema %d)\n", VMIR_TRACE_VERSION,
             VMIR_TRACE_SCHEMA_VERSION);
      *exit_now = 1;
      return 0;
    } else if (strcmp(a, "--root") == 0) {
      o->root = v;
    } else if (strcmp(a, "--registry") == 0) {
      o->registry = v;
    } else if (strcmp(a, "--results") == 0) {
      strlist_push(&o->results, v);
    } else if (strcmp(a, "--no-results") == 0) {
      strlist_push(&o->results, "");
    } else if (strcmp(a, "--mutants") == 0) {
      o->mutants = v;
    } else if (strcmp(a, "--mutation-results") == 0) {
      o->mutation_results = v;
    } else if (strcmp(a, "--no-mutants") == 0) {
      o->no_mutants = 1;
    } else if (strcmp(a, "--exclude") == 0) {
      strlist_push(&o->excludes, v);
    } else if (strcmp(a, "--json") == 0) {
      o->json = v;
    } else if (strcmp(a, "--markdown") == 0) {
      o->markdown = v;
    } else if (strcmp(a, "--html") == 0) {
      o->html = v;
    } else if (strcmp(a, "--text") == 0) {
      o->text = v;
    } else if (strcmp(a, "--extra-section") == 0) {
      strlist_push(&o->extra_sections, v);
    } else if (strcmp(a, "--source-base") == 0) {
      o->source_base = v;
    } else if (strcmp(a, "--title") == 0) {
      o->title = v;
    } else if (strcmp(a, "--spec") == 0) {
      int n = 0;
      while (i + 1 < argc && argv[i + 1][0] != '-') {
        strlist_push(&o->specs, argv[++i]);
        n++;
      }
      if (!n) return die("--spec needs at least one file", NULL);
    } else if (strcmp(a, "--check") == 0) {
      o->check = 1;
    } else if (strcmp(a, "--strict") == 0) {
      o->strict = 1;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
    } else {
      return die("unknown argument", a);
    }
  }
  return 0;
}

/* Nearest folder at or above the current one holding the registry. */
static char *find_root(void) {
  char dir[PATH_MAX];
  if (!getcwd(dir, sizeof dir)) return xstrdup(".");
  for (;;) {
    char *probe = path_join(dir, "traceability/registry.tsv");
    int found = path_is_file(probe);
    free(probe);
    if (found) {
      /* Shown in messages: keep it relative to the current folder. */
      char *rel = path_relative_dir(".", dir);
      if (!rel) return xstrdup(dir);
      size_t n = strlen(rel);
      if (n == 0) {
        free(rel);
        return xstrdup(".");
      }
      rel[n - 1] = '\0'; /* drop the trailing '/' */
      return rel;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return xstrdup(".");
    *slash = '\0';
  }
}

static void print_errors(const strlist *errors) {
  for (size_t i = 0; i < errors->n; i++) {
    fprintf(stderr, "vmir-trace: %s\n", errors->items[i]);
  }
}

static void timestamp(char *buf, size_t n) {
  time_t t = time(NULL);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *e;
    long long v = strtoll(sde, &e, 10);
    if (!*e && v >= 0) t = (time_t)v;
  }
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
    snprintf(buf, n, "unknown");
  }
}

/* Loads every input into m. Returns 0, or 2 after printing errors. */
static int load(const options *o, trace_model *m) {
  strlist errors = {0};
  m->root = o->root ? xstrdup(o->root) : find_root();
  char *reg_path = o->registry
                       ? xstrdup(o->registry)
                       : path_join(m->root, "traceability/registry.tsv");
  int bad = registry_load(&m->reg, reg_path, &errors) != 0;
  free(reg_path);
  if (!bad) bad = scan_tree(m->root, &o->excludes, &m->scan, &errors) != 0;
  if (!bad && o->results.n == 0) {
    char *def = path_join(m->root, "build/conformance/results");
    if (path_is_dir(def)) {
      strlist_push(&m->results_dirs, def);
    } else {
      strlist_printf(&m->input_warnings,
                     "%s: no such folder; no test results read (use "
                     "--results DIR)",
                     def);
    }
    free(def);
  }
  for (size_t i = 0; !bad && i < o->results.n; i++) {
    if (!*o->results.items[i]) continue; /* --no-results */
    strlist_push(&m->results_dirs, o->results.items[i]);
  }
  for (size_t i = 0; !bad && i < m->results_dirs.n; i++) {
    bad = check_xml_load_dir(m->results_dirs.items[i], &m->results,
                             &m->input_warnings, &errors) != 0;
  }
  for (size_t i = 0; !bad && i < o->specs.n; i++) {
    bad = spec_load(o->specs.items[i], &m->specs, &m->spec_problems,
                    &errors) != 0;
  }
  m->have_specs = o->specs.n > 0;
  if (!bad && !o->no_mutants) {
    char *cat = o->mutants ? xstrdup(o->mutants)
                           : path_join(m->root, "traceability/mutants.tsv");
    char *cat_dir = path_dirname(cat);
    char *res = o->mutation_results ? xstrdup(o->mutation_results)
                                    : path_join(cat_dir, "mutation-results.tsv");
    free(cat_dir);
    if (o->mutants || path_is_file(cat)) {
      bad = mutants_load(&m->mutants, cat, res, &m->input_warnings, &errors) != 0;
      m->have_mutants = !bad;
    }
    free(cat);
    free(res);
  }
  print_errors(&errors);
  strlist_free(&errors);
  return bad ? 2 : 0;
}

/* Link prefixes (source files, spec files) as seen from output file out. */
typedef struct {
  char *source_base;
  char **spec_hrefs;
  size_t n_specs;
} links;

static void links_for(const options *o, const trace_model *m, const char *out,
                      links *l) {
  memset(l, 0, sizeof *l);
  char *dir = path_dirname(out);
  if (o->source_base) {
    l->source_base = xstrdup(o->source_base);
  } else {
    l->source_base = path_relative_dir(dir, m->root);
    if (!l->source_base) l->source_base = xstrdup("");
  }
  l->n_specs = m->specs.files.n;
  l->spec_hrefs = xcalloc(l->n_specs ? l->n_specs : 1, sizeof *l->spec_hrefs);
  for (size_t i = 0; i < l->n_specs; i++) {
    const char *spec = m->specs.files.items[i];
    char *sdir = path_dirname(spec);
    char *rel = path_relative_dir(dir, sdir);
    if (rel) {
      l->spec_hrefs[i] = path_join(rel, path_basename(spec));
      if (!*rel) {
        free(l->spec_hrefs[i]);
        l->spec_hrefs[i] = xstrdup(path_basename(spec));
      }
    }
    free(rel);
    free(sdir);
  }
  free(dir);
}

static void links_free(links *l) {
  for (size_t i = 0; i < l->n_specs; i++) free(l->spec_hrefs[i]);
  free(l->spec_hrefs);
  free(l->source_base);
}

typedef enum { FMT_JSON, FMT_MARKDOWN, FMT_HTML, FMT_TEXT } format;

static int emit(const options *o, const trace_model *m, out_options base,
                format f, const char *path) {
  links l;
  links_for(o, m, path, &l);
  base.source_base = l.source_base;
  base.spec_hrefs = (const char *const *)l.spec_hrefs;
  sbuf b = {0};
  strlist errors = {0};
  int rc = 0;
  switch (f) {
    case FMT_JSON: out_json(m, &base, &b); break;
    case FMT_MARKDOWN: out_markdown(m, &base, &b); break;
    case FMT_HTML: rc = out_html(m, &base, &b, &errors); break;
    case FMT_TEXT: out_text(m, &base, &b); break;
  }
  char err[256];
  if (rc == 0 && write_file(path, sb_str(&b), b.len, err, sizeof err) != 0) {
    strlist_printf(&errors, "%s: %s", path, err);
    rc = -1;
  }
  print_errors(&errors);
  strlist_free(&errors);
  sb_free(&b);
  links_free(&l);
  return rc;
}

int main(int argc, char **argv) {
  options o = {0};
  int exit_now = 0;
  int rc = parse_args(argc, argv, &o, &exit_now);
  trace_model m = {0};
  if (rc == 0 && !exit_now) rc = load(&o, &m);
  if (rc == 0 && !exit_now) {
    model_join(&m, o.strict);
    char when[40];
    timestamp(when, sizeof when);
    out_options base = {0};
    base.title = o.title ? o.title : "vmir report";
    base.generated_at = when;
    base.extra_sections = &o.extra_sections;
    base.verbose = o.verbose;
    base.list_problems = o.check;
    if (o.json && emit(&o, &m, base, FMT_JSON, o.json) != 0) rc = 2;
    if (o.markdown && emit(&o, &m, base, FMT_MARKDOWN, o.markdown) != 0) rc = 2;
    if (o.html && emit(&o, &m, base, FMT_HTML, o.html) != 0) rc = 2;
    int to_stdout = (o.json && !strcmp(o.json, "-")) ||
                    (o.markdown && !strcmp(o.markdown, "-")) ||
                    (o.html && !strcmp(o.html, "-"));
    const char *text = o.text ? o.text : (o.quiet || to_stdout) ? NULL : "-";
    if (text && emit(&o, &m, base, FMT_TEXT, text) != 0) rc = 2;
    if (!text && o.check) {
      for (size_t i = 0; i < m.problems.n; i++) {
        fprintf(stderr, "problem: %s\n", m.problems.items[i].text);
      }
    }
    if (rc == 0 && o.check && m.problems.n > 0) rc = 1;
  }
  model_free(&m);
  strlist_free(&o.results);
  strlist_free(&o.specs);
  strlist_free(&o.excludes);
  strlist_free(&o.extra_sections);
  return rc;
}
