/* Check suite for the traceability tool: the parsers (registry, markers,
 * Check XML, spec), the join over the fixture trees in fixtures/, the JSON
 * output and the vmir-trace command line (exit codes, files written).
 *
 * Environment (set by traceability/tests/meson.build):
 *   VMIR_TRACE      path of the built vmir-trace executable
 *   TRACE_FIXTURES  path of traceability/tests/fixtures
 *
 * Marker-like text in this file is split ("t[" "impl ...") so that the
 * repository scan does not take it for real markers. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_xml.h"
#include "markers.h"
#include "model.h"
#include "output.h"
#include "registry.h"
#include "scan.h"
#include "spec.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

static const char *fixtures(void) {
  const char *f = getenv("TRACE_FIXTURES");
  ck_assert_msg(f && *f, "TRACE_FIXTURES is not set");
  return f;
}

static char *fixture(const char *rel) { return path_join(fixtures(), rel); }

static int has_line_with(const strlist *l, const char *needle) {
  for (size_t i = 0; i < l->n; i++) {
    if (strstr(l->items[i], needle)) return 1;
  }
  return 0;
}

static size_t count_kind(const problem_list *l, problem_kind kind,
                         const char *rule) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (l->items[i].kind != kind) continue;
    if (rule && (!l->items[i].rule_id || strcmp(l->items[i].rule_id, rule)))
      continue;
    n++;
  }
  return n;
}

static const rule_view *rule(const trace_model *m, const char *id) {
  for (size_t i = 0; i < m->n_rules; i++) {
    if (strcmp(m->rules[i].rule->id, id) == 0) return &m->rules[i];
  }
  ck_abort_msg("rule %s not in model", id);
  return NULL;
}

/* Loads a fixture tree the way vmir-trace does. */
static void load_fixture(trace_model *m, const char *name, int with_spec,
                         int strict) {
  strlist errors = {0};
  m->root = fixture(name);
  char *reg = path_join(m->root, "traceability/registry.tsv");
  ck_assert_int_eq(registry_load(&m->reg, reg, &errors), 0);
  free(reg);
  ck_assert_int_eq(scan_tree(m->root, NULL, &m->scan, &errors), 0);
  char *results = path_join(m->root, "results");
  strlist_push(&m->results_dirs, results);
  ck_assert_int_eq(
      check_xml_load_dir(results, &m->results, &m->input_warnings, &errors), 0);
  free(results);
  if (with_spec) {
    char *spec = path_join(m->root, "spec.md");
    ck_assert_int_eq(spec_load(spec, &m->specs, &m->spec_problems, &errors), 0);
    m->have_specs = 1;
    free(spec);
  }
  ck_assert_int_eq(errors.n, 0);
  strlist_free(&errors);
  model_join(m, strict);
}

/* A small JSON syntax checker (RFC 8259 grammar, no semantics). */
typedef struct {
  const char *p, *end;
  int depth;
} jcur;

static void jws(jcur *c) {
  while (c->p < c->end && strchr(" \t\r\n", *c->p)) c->p++;
}

static int jvalue(jcur *c);

static int jstring(jcur *c) {
  if (c->p >= c->end || *c->p != '"') return 0;
  for (c->p++; c->p < c->end; c->p++) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '"') {
      c->p++;
      return 1;
    }
    if (ch < 0x20) return 0;
    if (ch == '\\') {
      c->p++;
      if (c->p >= c->end || !strchr("\"\\/bfnrtu", *c->p)) return 0;
      if (*c->p == 'u') {
        for (int i = 0; i < 4; i++) {
          c->p++;
          if (c->p >= c->end || !strchr("0123456789abcdefABCDEF", *c->p))
            return 0;
        }
      }
    }
  }
  return 0;
}

static int jnumber(jcur *c) {
  const char *s = c->p;
  if (c->p < c->end && *c->p == '-') c->p++;
  while (c->p < c->end && strchr("0123456789.eE+-", *c->p)) c->p++;
  return c->p > s;
}

static int jvalue(jcur *c) {
  if (++c->depth > 64) return 0;
  jws(c);
  if (c->p >= c->end) return 0;
  int ok = 1;
  if (*c->p == '{' || *c->p == '[') {
    char close = *c->p == '{' ? '}' : ']';
    int object = close == '}';
    c->p++;
    jws(c);
    if (c->p < c->end && *c->p == close) {
      c->p++;
    } else {
      for (;;) {
        if (object) {
          jws(c);
          if (!jstring(c)) return 0;
          jws(c);
          if (c->p >= c->end || *c->p++ != ':') return 0;
        }
        if (!jvalue(c)) return 0;
        jws(c);
        if (c->p < c->end && *c->p == ',') {
          c->p++;
          continue;
        }
        if (c->p < c->end && *c->p == close) {
          c->p++;
          break;
        }
        return 0;
      }
    }
  } else if (*c->p == '"') {
    ok = jstring(c);
  } else if (c->end - c->p >= 4 && !strncmp(c->p, "true", 4)) {
    c->p += 4;
  } else if (c->end - c->p >= 5 && !strncmp(c->p, "false", 5)) {
    c->p += 5;
  } else if (c->end - c->p >= 4 && !strncmp(c->p, "null", 4)) {
    c->p += 4;
  } else {
    ok = jnumber(c);
  }
  c->depth--;
  return ok;
}

static int json_valid(const char *s, size_t n) {
  jcur c = {s, s + n, 0};
  if (!jvalue(&c)) return 0;
  jws(&c);
  return c.p == c.end;
}

/* Runs vmir-trace with args (NULL-terminated) in folder cwd (NULL: keep).
 * Returns the exit status; stdout and stderr come back in out / err. */
static int run_tool(const char *cwd, char **out, char **err,
                    const char *const *args) {
  const char *exe = getenv("VMIR_TRACE");
  ck_assert_msg(exe && *exe, "VMIR_TRACE is not set");
  char outp[] = "/tmp/vmir-trace-out-XXXXXX";
  char errp[] = "/tmp/vmir-trace-err-XXXXXX";
  int fo = mkstemp(outp), fe = mkstemp(errp);
  ck_assert(fo >= 0 && fe >= 0);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0) {
    dup2(fo, 1);
    dup2(fe, 2);
    if (cwd && chdir(cwd) != 0) _exit(126);
    const char *argv[32];
    size_t n = 0;
    argv[n++] = exe;
    for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
    argv[n] = NULL;
    execv(exe, (char *const *)argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(fo);
  close(fe);
  char e[128];
  *out = read_file(outp, 1 << 24, NULL, e, sizeof e);
  *err = read_file(errp, 1 << 24, NULL, e, sizeof e);
  unlink(outp);
  unlink(errp);
  ck_assert(*out && *err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *temp_dir(void) {
  char tmpl[] = "/tmp/vmir-trace-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  ck_assert(d != NULL);
  return xstrdup(d);
}

static char *slurp(const char *path) {
  char e[128];
  char *s = read_file(path, 1 << 24, NULL, e, sizeof e);
  ck_assert_msg(s != NULL, "%s: %s", path, e);
  return s;
}

static size_t count_substr(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* ---- registry --------------------------------------------------------- */

START_TEST(test_registry_good) {
  const char text[] =
      "# comment\n"
      "\n"
      "a.b\tMUST\tFirst rule.\n"
      "c-d.e\tMAY\tSecond rule.\tnot-implemented\tNo need.\r\n"
      "f\tMAY\tThird.\texpected\n"
      "g\tMUST\t  Spaces trimmed.  ";
  registry r = {0};
  strlist errors = {0};
  ck_assert_int_eq(registry_parse(&r, "reg.tsv", text, strlen(text), &errors),
                   0);
  ck_assert_uint_eq(r.n, 4);
  ck_assert_str_eq(r.items[0].id, "a.b");
  ck_assert_int_eq(r.items[0].level, LEVEL_MUST);
  ck_assert_int_eq(r.items[0].line, 3);
  ck_assert_int_eq(r.items[1].level, LEVEL_MAY);
  ck_assert_int_eq(r.items[1].not_implemented, 1);
  ck_assert_str_eq(r.items[1].reason, "No need.");
  ck_assert_int_eq(r.items[2].not_implemented, 0);
  ck_assert_str_eq(r.items[3].summary, "Spaces trimmed.");
  ck_assert_int_eq(registry_find(&r, "f"), 2);
  ck_assert_int_eq(registry_find(&r, "zz"), -1);
  registry_free(&r);
  strlist_free(&errors);
}
END_TEST

START_TEST(test_registry_errors) {
  const char text[] =
      "a\tMUST\tok\n"           /* 1 */
      "B\tMUST\tbad id\n"       /* 2 */
      "c\tSHOULD\tbad level\n"  /* 3 */
      "d\tMUST\n"               /* 4: too few columns */
      "a\tMAY\tduplicate\n"     /* 5 */
      "e\tMUST\tx\tnot-implemented\tr\n" /* 6: MUST not-implemented */
      "f\tMAY\tx\tnot-implemented\n"     /* 7: no reason */
      "g\tMAY\tx\tmaybe\n"               /* 8: bad status */
      "h\tMAY\t\n"                       /* 9: empty summary */
      "i\tMAY\tx\texpected\tr\textra\n"; /* 10: too many columns */
  registry r = {0};
  strlist errors = {0};
  int n = registry_parse(&r, "reg.tsv", text, strlen(text), &errors);
  ck_assert_int_eq(n, 9);
  ck_assert_uint_eq(r.n, 1);
  ck_assert(has_line_with(&errors, "reg.tsv:2: rule id"));
  ck_assert(has_line_with(&errors, "reg.tsv:3: level must be MUST or MAY"));
  ck_assert(has_line_with(&errors, "reg.tsv:4: expected at least 3"));
  ck_assert(has_line_with(&errors, "reg.tsv:5: duplicate rule id (first on line 1)"));
  ck_assert(has_line_with(&errors, "reg.tsv:6: only a MAY rule"));
  ck_assert(has_line_with(&errors, "reg.tsv:7: a 'not-implemented' rule needs"));
  ck_assert(has_line_with(&errors, "reg.tsv:8: status must be"));
  ck_assert(has_line_with(&errors, "reg.tsv:9: empty summary"));
  ck_assert(has_line_with(&errors, "reg.tsv:10: too many"));
  registry_free(&r);
  strlist_free(&errors);
}
END_TEST

START_TEST(test_registry_missing_file) {
  registry r = {0};
  strlist errors = {0};
  ck_assert_int_eq(registry_load(&r, "/nonexistent/reg.tsv", &errors), 1);
  ck_assert(has_line_with(&errors, "/nonexistent/reg.tsv: cannot open"));
  registry_free(&r);
  strlist_free(&errors);
}
END_TEST

/* The project's own registry: 102 rules, MAY only where MAY is the sole
 * keyword. */
START_TEST(test_project_registry) {
  char *path = path_join(fixtures(), "../../registry.tsv");
  registry r = {0};
  strlist errors = {0};
  ck_assert_int_eq(registry_load(&r, path, &errors), 0);
  ck_assert_uint_eq(r.n, 102);
  size_t may = 0;
  for (size_t i = 0; i < r.n; i++) may += r.items[i].level == LEVEL_MAY;
  ck_assert_uint_eq(may, 3);
  ck_assert_int_eq(r.items[registry_find(&r, "format.vm.sexp-parser-comments")].level,
                   LEVEL_MAY);
  ck_assert_int_eq(r.items[registry_find(&r, "format.exec.jit-optional")].level,
                   LEVEL_MUST);
  registry_free(&r);
  strlist_free(&errors);
  free(path);
}
END_TEST

/* ---- markers ---------------------------------------------------------- */

START_TEST(test_marker_syntax) {
  const char text[] =
      "t[" "impl a.b] x t[" "verify c-d.9]\n"
      "part[" "impl no] T[" "impl no] t[" "impl No] t[" "implx no]\n"
      "t[" "impl  spaced.id\t] t[" "impl unterminated t[" "impl] t[" "verify ]\n"
      "(t[" "impl after.paren]) t[" "verify ...] t[" "impl -x]";
  marker_list l = {0};
  markers_scan(text, strlen(text), "f.md", 0, &l, NULL);
  ck_assert_uint_eq(l.n, 4);
  ck_assert_str_eq(l.items[0].id, "a.b");
  ck_assert_int_eq(l.items[0].kind, MARK_IMPL);
  ck_assert_int_eq(l.items[0].line, 1);
  ck_assert_str_eq(l.items[1].id, "c-d.9");
  ck_assert_int_eq(l.items[1].kind, MARK_VERIFY);
  ck_assert_str_eq(l.items[2].id, "spaced.id");
  ck_assert_int_eq(l.items[2].line, 3);
  ck_assert_str_eq(l.items[3].id, "after.paren");
  ck_assert_int_eq(l.items[3].line, 4);
  ck_assert_ptr_null(l.items[0].test);
  marker_list_free(&l);
}
END_TEST

START_TEST(test_marker_c_attachment) {
  const char text[] =
      "/* t[" "verify above.first] */\n"          /* 1 */
      "START_TEST(test_one) {\n"                  /* 2 */
      "  const char *s = \"{ t[" "verify in.string] \";\n" /* 3 */
      "  char c = '{';\n"                         /* 4 */
      "#define X {\n"                             /* 5 */
      "  // } t[" "verify in.body]\n"             /* 6 */
      "}\n"                                       /* 7 */
      "END_TEST\n"                                /* 8 */
      "static void helper(void) {\n"              /* 9 */
      "  /* t[" "verify in.helper] */\n"          /* 10 */
      "}\n"                                       /* 11 */
      "/* t[" "verify above.second] */\n"         /* 12 */
      "START_TEST(test_two)\n"                    /* 13 */
      "/* t[" "verify between] */\n"              /* 14 */
      "{\n"                                       /* 15 */
      "}\n"                                       /* 16 */
      "END_TEST\n"                                /* 17 */
      "/* t[" "verify after.last] */\n";          /* 18 */
  marker_list l = {0};
  test_def_list tests = {0};
  markers_scan(text, strlen(text), "dir/t.c", 1, &l, &tests);
  ck_assert_uint_eq(tests.n, 2);
  ck_assert_str_eq(tests.items[0].name, "test_one");
  ck_assert_int_eq(tests.items[0].line, 2);
  ck_assert_str_eq(tests.items[1].name, "test_two");
  ck_assert_int_eq(tests.items[1].line, 13);
  ck_assert_uint_eq(l.n, 7);
  const char *want_test[] = {"test_one", "test_one", "test_one", NULL,
                             "test_two", "test_two", NULL};
  const char *want_id[] = {"above.first", "in.string", "in.body", "in.helper",
                           "above.second", "between", "after.last"};
  for (size_t i = 0; i < l.n; i++) {
    ck_assert_str_eq(l.items[i].id, want_id[i]);
    ck_assert_str_eq(l.items[i].file, "dir/t.c");
    if (want_test[i]) {
      ck_assert_msg(l.items[i].test && !strcmp(l.items[i].test, want_test[i]),
                    "marker %s: test %s", want_id[i],
                    l.items[i].test ? l.items[i].test : "(none)");
    } else {
      ck_assert_msg(l.items[i].test == NULL, "marker %s attached to %s",
                    want_id[i], l.items[i].test);
    }
  }
  ck_assert_int_eq(l.items[4].test_line, 13);
  marker_list_free(&l);
  test_def_list_free(&tests);
}
END_TEST

START_TEST(test_scan_kinds) {
  ck_assert_int_eq(scan_file_kind("a/b.c"), 2);
  ck_assert_int_eq(scan_file_kind("a/b.h"), 2);
  ck_assert_int_eq(scan_file_kind("engine/include/vmir/opcodes.def"), 1);
  ck_assert_int_eq(scan_file_kind("meson.build"), 1);
  ck_assert_int_eq(scan_file_kind("x/meson.build"), 1);
  ck_assert_int_eq(scan_file_kind("scripts/report"), 1);
  ck_assert_int_eq(scan_file_kind("fuzz/scripts/run"), 1);
  ck_assert_int_eq(scan_file_kind("myscripts/run"), 0);
  ck_assert_int_eq(scan_file_kind("docs/ir.md"), 1);
  ck_assert_int_eq(scan_file_kind("tool.py"), 1);
  ck_assert_int_eq(scan_file_kind("run.sh"), 1);
  ck_assert_int_eq(scan_file_kind("image.png"), 0);
  ck_assert_int_eq(scan_file_kind("README"), 0);
}
END_TEST

START_TEST(test_scan_tree_skips) {
  scan_result res = {0};
  strlist errors = {0};
  char *root = fixture("basic");
  ck_assert_int_eq(scan_tree(root, NULL, &res, &errors), 0);
  for (size_t i = 0; i < res.markers.n; i++) {
    ck_assert_msg(strcmp(res.markers.items[i].id, "demo.skipped-marker") != 0,
                  "scanned a skipped folder: %s", res.markers.items[i].file);
  }
  int nested = 0, script = 0, def = 0, md = 0, py = 0, meson = 0;
  for (size_t i = 0; i < res.markers.n; i++) {
    const char *f = res.markers.items[i].file;
    nested |= !strcmp(f, "sub/build/nested.c");
    script |= !strcmp(f, "scripts/tool");
    def |= !strcmp(f, "src/opcodes.def");
    md |= !strcmp(f, "docs/notes.md");
    py |= !strcmp(f, "src/gen.py");
    meson |= !strcmp(f, "meson.build");
  }
  ck_assert(nested && script && def && md && py && meson);
  /* Excluding a folder by path. */
  scan_result res2 = {0};
  strlist ex = {0};
  strlist_push(&ex, "src/");
  ck_assert_int_eq(scan_tree(root, &ex, &res2, &errors), 0);
  for (size_t i = 0; i < res2.markers.n; i++) {
    ck_assert(strncmp(res2.markers.items[i].file, "src/", 4) != 0);
  }
  ck_assert_int_eq(scan_tree("/nonexistent-root", NULL, &res2, &errors), -1);
  strlist_free(&ex);
  scan_result_free(&res);
  scan_result_free(&res2);
  strlist_free(&errors);
  free(root);
}
END_TEST

/* ---- Check XML ---------------------------------------------------------- */

START_TEST(test_xml_parse) {
  char *path = fixture("basic/results/suite_a.xml");
  char *text = slurp(path);
  result_list l = {0};
  strlist warnings = {0};
  size_t n = check_xml_parse(text, strlen(text), path, &l, &warnings);
  ck_assert_uint_eq(n, 10);
  ck_assert_uint_eq(warnings.n, 0);
  ck_assert_str_eq(l.items[0].id, "test_done");
  ck_assert_str_eq(l.items[0].fn_file, "suite_a.c");
  ck_assert_int_eq(l.items[0].fn_line, 4);
  ck_assert_str_eq(l.items[0].suite, "suite_a");
  ck_assert_str_eq(l.items[0].log_stem, "suite_a");
  ck_assert_int_eq(l.items[0].result, TEST_PASS);
  ck_assert_int_eq(l.items[1].result, TEST_FAIL);
  ck_assert_str_eq(l.items[1].message,
                   "expected failure <&> \"quoted\" \xE2\x98\xBA");
  ck_assert_int_eq(l.items[6].iteration, 2);
  ck_assert_int_eq(l.items[6].result, TEST_FAIL);
  ck_assert_int_eq(l.items[6].is_error, 1);
  ck_assert_str_eq(l.items[6].tcase, "loops");
  result_list_free(&l);
  strlist_free(&warnings);
  free(text);
  free(path);
}
END_TEST

START_TEST(test_xml_tolerant) {
  result_list l = {0};
  strlist w = {0};
  const char not_log[] = "<html><test result=\"success\"></test></html>";
  ck_assert_uint_eq(check_xml_parse(not_log, strlen(not_log), "x.xml", &l, &w), 0);
  ck_assert(has_line_with(&w, "x.xml:1: not a Check XML log"));
  const char odd[] =
      "<testsuites>\n<suite><title>s</title>\n"
      "<test result='success'><fn>a.c:1</fn><id><![CDATA[t_cdata]]></id></test>\n"
      "<test result=\"weird\"><id>t_weird</id></test>\n"
      "<test result=\"success\"><fn>nocolon</fn></test>\n"
      "<test result=\"failure\"><id>t_cut</id>";
  size_t n = check_xml_parse(odd, strlen(odd), "odd.xml", &l, &w);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(l.items[0].id, "t_cdata");
  ck_assert_int_eq(l.items[0].result, TEST_PASS);
  ck_assert_int_eq(l.items[1].result, TEST_FAIL);
  ck_assert(has_line_with(&w, "odd.xml:4: test t_weird has result 'weird'"));
  ck_assert(has_line_with(&w, "odd.xml:5: <test> without <id>"));
  ck_assert(has_line_with(&w, "odd.xml:6: truncated <test>"));
  result_list_free(&l);
  strlist_free(&w);
}
END_TEST

/* ---- spec ----------------------------------------------------------------- */

START_TEST(test_spec_parse) {
  const char text[] =
      "# Spec\n"
      "> t[a.must] Things MUST work.\n"
      "> t[b.may] Things MAY work;\n"
      "> and that is all.\n"
      "\n"
      "> t[c.mixed] It MAY be absent; then it MUST fall back.\n"
      "> t[d.none] No keyword. MAYBE not.\n"
      "text t[e.inline] and\n"
      ">t[f.nospace] no\n"
      "> t[a.must] again MAY\n";
  spec_list l = {0};
  strlist problems = {0};
  ck_assert_uint_eq(spec_parse(text, strlen(text), "s.md", &l, &problems), 4);
  ck_assert_str_eq(l.items[0].id, "a.must");
  ck_assert_int_eq(l.items[0].line, 2);
  ck_assert_int_eq(l.items[0].level, SPEC_LEVEL_MUST);
  ck_assert_int_eq(l.items[1].level, SPEC_LEVEL_MAY);
  ck_assert_int_eq(l.items[2].level, SPEC_LEVEL_MUST);
  ck_assert_int_eq(l.items[3].level, SPEC_LEVEL_NONE);
  ck_assert(has_line_with(&problems, "s.md:10: rule a.must is defined twice"));
  spec_list_free(&l);
  strlist_free(&problems);
}
END_TEST

/* ---- the join over the fixture tree ---------------------------------------- */

START_TEST(test_join_results) {
  trace_model m = {0};
  load_fixture(&m, "basic", 1, 0);
  ck_assert_uint_eq(m.n_rules, 13);
  ck_assert_int_eq(rule(&m, "demo.done")->result, RULE_PASS);
  ck_assert_int_eq(rule(&m, "demo.fail")->result, RULE_FAIL);
  ck_assert_int_eq(rule(&m, "demo.noimpl")->result, RULE_PASS);
  ck_assert_int_eq(rule(&m, "demo.notest")->result, RULE_NO_TEST);
  ck_assert_int_eq(rule(&m, "demo.notrun")->result, RULE_NOT_RUN);
  ck_assert_int_eq(rule(&m, "demo.partial")->result, RULE_PARTIAL);
  ck_assert_int_eq(rule(&m, "demo.loop")->result, RULE_FAIL);
  ck_assert_int_eq(rule(&m, "demo.body")->result, RULE_PASS);
  ck_assert_int_eq(rule(&m, "demo.shared")->result, RULE_PASS);
  ck_assert_int_eq(rule(&m, "demo.viahelper")->result, RULE_FAIL);
  ck_assert_int_eq(rule(&m, "demo.helper")->result, RULE_NOT_RUN);
  ck_assert_int_eq(rule(&m, "demo.may.open")->result, RULE_NO_TEST);

  const rule_view *loop = rule(&m, "demo.loop");
  ck_assert_uint_eq(loop->n_verify, 1);
  ck_assert_int_eq(loop->verify[0].runs, 3);
  ck_assert_int_eq(loop->verify[0].failures, 1);
  ck_assert_str_eq(loop->verify[0].m->test, "test_loop");
  ck_assert_int_eq(loop->verify[0].m->test_line, 36);
  const rule_view *shared = rule(&m, "demo.shared");
  ck_assert_str_eq(shared->verify[0].m->file, "conformance/suite_b.c");
  ck_assert_int_eq(shared->verify[0].runs, 1);
  const rule_view *via = rule(&m, "demo.viahelper");
  ck_assert_int_eq(via->verify[0].runs, 1);
  ck_assert_str_eq(via->verify[0].first_failure->fn_file, "helper.c");
  ck_assert_ptr_null(rule(&m, "demo.helper")->verify[0].m->test);
  ck_assert_int_eq(rule(&m, "demo.helper")->verify[0].result, TEST_UNKNOWN);

  const rule_view *done = rule(&m, "demo.done");
  ck_assert_uint_eq(done->n_impl, 1);
  ck_assert_str_eq(done->impl[0]->file, "src/engine.c");
  ck_assert_int_eq(done->impl[0]->line, 1);
  ck_assert_uint_eq(rule(&m, "demo.partial")->n_impl, 2);
  ck_assert_uint_eq(rule(&m, "demo.viahelper")->n_impl, 1);

  ck_assert_uint_eq(m.counts.rules, 13);
  ck_assert_uint_eq(m.counts.must, 11);
  ck_assert_uint_eq(m.counts.may, 2);
  ck_assert_uint_eq(m.counts.may_not_implemented, 1);
  ck_assert_uint_eq(m.counts.unknown_markers, 1);
  ck_assert_uint_eq(m.counts.result_logs, 3);
  ck_assert_uint_eq(m.counts.results_unmatched, 1);
  ck_assert_uint_eq(m.counts.by_result[RULE_PASS], 4);
  ck_assert_uint_eq(m.counts.by_result[RULE_FAIL], 3);
  ck_assert_uint_eq(m.counts.must_complete, 3);
  model_free(&m);
}
END_TEST

START_TEST(test_join_problems) {
  trace_model m = {0};
  load_fixture(&m, "basic", 1, 0);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_NO_IMPL, NULL), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_NO_IMPL, "demo.noimpl"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_NO_VERIFY, NULL), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_NO_VERIFY, "demo.notest"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_FAILING_TEST, NULL), 3);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_UNKNOWN_ID, "demo.nope"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_SPEC_ONLY, "demo.spec.only"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_REGISTRY_ONLY, "demo.helper"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_LEVEL_MISMATCH, "demo.may.open"), 1);
  ck_assert_uint_eq(count_kind(&m.problems, PROB_NOT_RUN, NULL), 0);
  ck_assert_uint_eq(m.problems.n, 9);
  ck_assert_uint_eq(count_kind(&m.warnings, PROB_NOT_RUN, NULL), 2);
  ck_assert_uint_eq(count_kind(&m.warnings, PROB_MAY_GAP, "demo.may.open"), 1);
  ck_assert_uint_eq(count_kind(&m.warnings, PROB_MAY_GAP, "demo.may.skip"), 0);
  ck_assert_uint_eq(count_kind(&m.warnings, PROB_UNATTACHED_VERIFY, "demo.helper"), 1);
  ck_assert_uint_eq(count_kind(&m.warnings, PROB_UNMATCHED_RESULT, NULL), 1);
  /* Messages name file:line. */
  int found = 0;
  for (size_t i = 0; i < m.problems.n; i++) {
    const char *t = m.problems.items[i].text;
    found |= strstr(t, "src/engine.c:6: impl marker names unknown rule id "
                       "demo.nope") != NULL;
  }
  ck_assert(found);
  model_free(&m);

  /* Strict: tests without results of MUST rules become problems. */
  trace_model s = {0};
  load_fixture(&s, "basic", 1, 1);
  ck_assert_uint_eq(count_kind(&s.problems, PROB_NOT_RUN, NULL), 2);
  model_free(&s);

  /* Without specs no cross-check problems. */
  trace_model n = {0};
  load_fixture(&n, "basic", 0, 0);
  ck_assert_uint_eq(count_kind(&n.problems, PROB_SPEC_ONLY, NULL), 0);
  ck_assert_uint_eq(count_kind(&n.problems, PROB_REGISTRY_ONLY, NULL), 0);
  ck_assert_uint_eq(n.problems.n, 6);
  model_free(&n);
}
END_TEST

START_TEST(test_json_output) {
  trace_model m = {0};
  load_fixture(&m, "basic", 1, 0);
  out_options o = {0};
  o.title = "t";
  o.generated_at = "2026-01-01T00:00:00Z";
  o.source_base = "";
  sbuf b = {0};
  out_json(&m, &o, &b);
  const char *j = sb_str(&b);
  ck_assert_msg(json_valid(j, b.len), "invalid JSON:\n%s", j);
  ck_assert_ptr_nonnull(strstr(j, "\"schema_version\": 1,"));
  ck_assert_ptr_nonnull(strstr(j, "\"rules\": 13,"));
  ck_assert_ptr_nonnull(strstr(j, "\"result\": {\"pass\": 4, \"fail\": 3, "
                                  "\"partial\": 1, \"not-run\": 2, "
                                  "\"no-test\": 3}"));
  ck_assert_ptr_nonnull(strstr(j, "\"id\": \"demo.loop\""));
  ck_assert_ptr_nonnull(strstr(j, "\"test\": \"test_loop\", \"test_line\": 36, "
                                  "\"result\": \"fail\", \"runs\": 3, "
                                  "\"failures\": 1"));
  ck_assert_ptr_nonnull(strstr(j, "\"gaps\": [\"no-impl\"]"));
  ck_assert_ptr_nonnull(strstr(j, "\"status\": \"not-implemented\""));
  ck_assert_ptr_nonnull(strstr(j, "\"kind\": \"unknown-id\", \"rule\": \"demo.nope\""));
  ck_assert_ptr_nonnull(strstr(j, "expected failure \\u003c&> \\\"quoted\\\""));
  sb_free(&b);

  /* Markdown and HTML render every rule. */
  out_markdown(&m, &o, &b);
  ck_assert_uint_eq(count_substr(sb_str(&b), "\n| `demo."), 13);
  sb_free(&b);
  strlist errors = {0};
  ck_assert_int_eq(out_html(&m, &o, &b, &errors), 0);
  ck_assert_uint_eq(count_substr(sb_str(&b), "<tr class=\"rule\""), 13);
  ck_assert_ptr_nonnull(strstr(sb_str(&b), "href=\"src/engine.c#L1\""));
  ck_assert_ptr_null(strstr(sb_str(&b), "http://"));
  ck_assert_ptr_null(strstr(sb_str(&b), "https://"));
  sb_free(&b);
  strlist_free(&errors);
  model_free(&m);
}
END_TEST

/* ---- the command line ---------------------------------------------------- */

START_TEST(test_cli_help_and_usage_errors) {
  char *out, *err;
  const char *help[] = {"--help", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, help), 0);
  ck_assert_ptr_nonnull(strstr(out, "usage: vmir-trace"));
  free(out), free(err);
  const char *bad[] = {"--frobnicate", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, bad), 2);
  ck_assert_ptr_nonnull(strstr(err, "unknown argument --frobnicate"));
  free(out), free(err);
  const char *missing[] = {"--json", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, missing), 2);
  free(out), free(err);
  char *root = fixture("clean");
  const char *noreg[] = {"--root", root, "--registry", "/nonexistent/r.tsv", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, noreg), 2);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/r.tsv: cannot open"));
  free(out), free(err);
  const char *noresults[] = {"--root", root, "--results", "/nonexistent/res", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, noresults), 2);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/res"));
  free(out), free(err);
  free(root);
}
END_TEST

START_TEST(test_cli_check_exit_codes) {
  char *out, *err;
  char *clean = fixture("clean");
  char *clean_res = fixture("clean/results");
  char *clean_spec = fixture("clean/spec.md");
  const char *ok[] = {"--root", clean, "--results", clean_res, "--spec",
                      clean_spec, "--check", "--strict", NULL};
  ck_assert_msg(run_tool(NULL, &out, &err, ok) == 0, "out:\n%s\nerr:\n%s", out, err);
  ck_assert_ptr_nonnull(strstr(out, "problems       0"));
  free(out), free(err);

  char *basic = fixture("basic");
  char *basic_res = fixture("basic/results");
  char *basic_spec = fixture("basic/spec.md");
  const char *fail[] = {"--root", basic, "--results", basic_res, "--spec",
                        basic_spec, "--check", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, fail), 1);
  ck_assert_uint_eq(count_substr(out, "\nproblem: "), 9);
  ck_assert_ptr_nonnull(strstr(out, "problem: src/engine.c:6: impl marker "
                                    "names unknown rule id demo.nope\n"));
  ck_assert_ptr_nonnull(strstr(out, "conformance/suite_a.c:36: test test_loop "
                                    "verifying demo.loop failed (1 of 3 runs)"));
  free(out), free(err);

  /* Without --check the same tree exits 0. */
  const char *nocheck[] = {"--root", basic, "--results", basic_res, NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, nocheck), 0);
  free(out), free(err);

  /* Default root and results: found from the current folder. */
  char *sub = fixture("basic/src");
  const char *dflt[] = {"--check", "-q", NULL};
  ck_assert_int_eq(run_tool(sub, &out, &err, dflt), 1);
  ck_assert_ptr_nonnull(strstr(err, "problem: "));
  free(out), free(err);
  const char *dflt_clean[] = {"--check", NULL};
  ck_assert_int_eq(run_tool(clean, &out, &err, dflt_clean), 0);
  free(out), free(err);
  free(sub);
  free(clean), free(clean_res), free(clean_spec);
  free(basic), free(basic_res), free(basic_spec);
}
END_TEST

/* Logs one folder down count too (meson runs one executable under several
 * configurations, each logging to a folder of its own): a failure there
 * fails the rule, and without it the same tree passes. */
START_TEST(test_results_in_subfolders) {
  char *out, *err;
  char *clean = fixture("clean");
  char *passing = fixture("clean/results/clean_test.xml");
  char *text = slurp(passing);
  char *dir = temp_dir();
  char *sub = path_join(dir, "second_configuration");
  ck_assert_int_eq(mkdir(sub, 0755), 0);
  char *top_log = path_join(dir, "clean_test.xml");
  char *sub_log = path_join(sub, "clean_test.xml");
  FILE *f = fopen(top_log, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  const char *args[] = {"--root", clean, "--results", dir, "--check", NULL};
  ck_assert_msg(run_tool(NULL, &out, &err, args) == 0, "out:\n%s\nerr:\n%s", out, err);
  free(out), free(err);

  char *failing = xstrdup(text);
  char *at = strstr(failing, "result=\"success\"");
  ck_assert_ptr_nonnull(at);
  memcpy(at, "result=\"failure\"", strlen("result=\"failure\""));
  f = fopen(sub_log, "w");
  ck_assert_ptr_nonnull(f);
  fputs(failing, f);
  fclose(f);
  ck_assert_int_eq(run_tool(NULL, &out, &err, args), 1);
  ck_assert_msg(strstr(out, "failed (1 of 2 runs)"), "%s", out);
  free(out), free(err);

  unlink(sub_log);
  rmdir(sub);
  unlink(top_log);
  rmdir(dir);
  free(failing), free(text), free(sub_log), free(top_log), free(sub), free(dir);
  free(passing), free(clean);
}
END_TEST

START_TEST(test_cli_outputs) {
  char *out, *err;
  char *dir = temp_dir();
  char *json = path_join(dir, "r/t.json");
  char *md = path_join(dir, "r/t.md");
  char *html = path_join(dir, "r/index.html");
  char *frag = path_join(dir, "bench.html");
  FILE *f = fopen(frag, "w");
  ck_assert_ptr_nonnull(f);
  fputs("<h2>Benchmarks</h2>\n<p id=\"bench-marker\">numbers</p>\n", f);
  fclose(f);
  char *basic = fixture("basic");
  char *res = fixture("basic/results");
  const char *args[] = {"--root", basic, "--results", res, "--json", json,
                        "--markdown", md, "--html", html, "--extra-section",
                        frag, "--title", "Fixture <report>", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, args), 0);
  char *j = slurp(json);
  ck_assert(json_valid(j, strlen(j)));
  ck_assert_ptr_nonnull(strstr(j, "\"schema_version\": 1"));
  char *h = slurp(html);
  ck_assert_uint_eq(count_substr(h, "<tr class=\"rule\""), 13);
  ck_assert_ptr_nonnull(strstr(h, "<a href=\"#sec-benchmarks-1\">Benchmarks</a>"));
  ck_assert_ptr_nonnull(strstr(h, "<p id=\"bench-marker\">"));
  ck_assert_ptr_nonnull(strstr(h, "<title>Fixture &lt;report&gt;</title>"));
  /* Links are relative from r/ back to the fixture root. */
  ck_assert_ptr_nonnull(strstr(h, "src/engine.c#L1\">src/engine.c:1</a>"));
  char *mdt = slurp(md);
  ck_assert_ptr_nonnull(strstr(mdt, "| `demo.done` | MUST |"));
  /* JSON to stdout replaces the text summary. */
  const char *to_stdout[] = {"--root", basic, "--results", res, "--json", "-", NULL};
  free(out), free(err);
  ck_assert_int_eq(run_tool(NULL, &out, &err, to_stdout), 0);
  ck_assert(json_valid(out, strlen(out)));
  free(out), free(err);
  /* A missing extra section is an input error. */
  const char *badfrag[] = {"--root", basic, "--results", res, "--html", html,
                           "--extra-section", "/nonexistent/f.html", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, badfrag), 2);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/f.html"));
  free(out), free(err);
  free(j), free(h), free(mdt);
  unlink(json), unlink(md), unlink(html), unlink(frag);
  char *rdir = path_join(dir, "r");
  rmdir(rdir);
  rmdir(dir);
  free(rdir);
  free(json), free(md), free(html), free(frag), free(dir), free(basic), free(res);
}
END_TEST

/* ---- robustness: odd input never crashes -------------------------------- */

static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (unsigned)(rng_state >> 32);
}

START_TEST(test_random_input) {
  static const char alphabet[] = "t[]impl verify a.b-9 START_TEST(x){}/*\"'\\\n#"
                                 "<test result=\"success\"><id></id></test>"
                                 "<testsuites>&amp;&#x;> t[\tMUST MAY\r";
  char buf[600];
  for (int round = 0; round < 3000; round++) {
    size_t n = rng() % sizeof buf;
    for (size_t i = 0; i < n; i++) {
      buf[i] = (rng() & 7) ? alphabet[rng() % (sizeof alphabet - 1)]
                           : (char)(rng() & 0xFF);
    }
    marker_list ml = {0};
    test_def_list tl = {0};
    markers_scan(buf, n, "r.c", 1, &ml, &tl);
    markers_scan(buf, n, "r.md", 0, &ml, NULL);
    marker_list_free(&ml);
    test_def_list_free(&tl);
    result_list rl = {0};
    strlist w = {0};
    check_xml_parse(buf, n, "r.xml", &rl, &w);
    result_list_free(&rl);
    registry reg = {0};
    registry_parse(&reg, "r.tsv", buf, n, &w);
    registry_free(&reg);
    spec_list sl = {0};
    spec_parse(buf, n, "r.md", &sl, &w);
    spec_list_free(&sl);
    strlist_free(&w);
  }
}
END_TEST

START_TEST(test_truncated_logs) {
  char *path = fixture("basic/results/suite_a.xml");
  char *text = slurp(path);
  size_t len = strlen(text);
  size_t last = 0;
  for (size_t cut = 0; cut <= len; cut++) {
    char *copy = xstrndup(text, cut); /* exact-size buffer for ASan */
    result_list rl = {0};
    strlist w = {0};
    size_t n = check_xml_parse(copy, cut, path, &rl, &w);
    ck_assert_uint_ge(n, last); /* more text never yields fewer tests */
    last = n;
    result_list_free(&rl);
    strlist_free(&w);
    free(copy);
  }
  ck_assert_uint_eq(last, 10);
  free(text);
  free(path);
}
END_TEST

/* ---- mutation evidence ------------------------------------------------ */

static void put_file(const char *path, const char *text) {
  char e[128];
  ck_assert_msg(write_file(path, text, strlen(text), e, sizeof e) == 0, "%s: %s", path, e);
}

/* The checksum is the one scripts/mutate writes (FNV-1a, 32 bits). */
START_TEST(test_mutation_checksum) {
  char sum[9];
  mutant_checksum("src/clean.c", "x = 1;", "x = 2;", sum);
  ck_assert_str_eq(sum, "3c8706ab");
}
END_TEST

/* A catalogue joined to its results: per-rule counts, the score, and
 * --check failing on a survivor that is not marked equivalent only. */
START_TEST(test_mutation_join_and_gate) {
  char *out, *err;
  char *dir = temp_dir();
  char *cat = path_join(dir, "mutants.tsv");
  char *res = path_join(dir, "mutation-results.tsv");
  char *json = path_join(dir, "r.json");
  char *html = path_join(dir, "r.html");
  put_file(cat,
           "# id rule file original mutated why [equivalent]\n"
           "k1\tclean.rule\tsrc/clean.c\tx = 1;\tx = 2;\ta real bug\n"
           "e1\tclean.rule\tsrc/clean.c\ty\tz\tcannot be seen\tthe value is never read\n"
           "s1\tclean.rule\tsrc/clean.c\tp\tq\tmissed by the tests\n"
           "n1\tclean.rule\tsrc/clean.c\tr\tt\tnever run\n");
  char k1[9], e1[9], s1[9];
  mutant_checksum("src/clean.c", "x = 1;", "x = 2;", k1);
  mutant_checksum("src/clean.c", "y", "z", e1);
  mutant_checksum("src/clean.c", "p", "q", s1);
  char rows[512];
  snprintf(rows, sizeof rows,
           "# mutant rule status seconds checksum date detail\n"
           "k1\tclean.rule\tkilled\t3.5\t%s\t2026-01-01T00:00:00Z\tby test_x [case]\n"
           "e1\tclean.rule\tsurvived\t9.0\t%s\t2026-01-01T00:00:00Z\tevery test passed\n"
           "s1\tclean.rule\tsurvived\t9.0\t%s\t2026-01-01T00:00:00Z\tevery test passed\n"
           "gone\tclean.rule\tkilled\t1.0\t00000000\t2026-01-01T00:00:00Z\told\n",
           k1, e1, s1);
  put_file(res, rows);
  char *clean = fixture("clean");
  char *clean_res = fixture("clean/results");
  const char *args[] = {"--root", clean, "--results", clean_res, "--mutants", cat,
                        "--json", json, "--html", html, "--check", "-v", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, args), 1);
  ck_assert_msg(strstr(out, "mutant s1 of clean.rule survived: missed by the tests"), "%s", out);
  ck_assert_ptr_null(strstr(out, "mutant e1 of clean.rule survived"));
  ck_assert_msg(strstr(out, "mutation       score 50.0% (1 killed, 1 survived, 1 equivalent of 4"),
                "%s", out);
  ck_assert_ptr_nonnull(strstr(out, "mutants 1/3 killed, 1 survived, 1 equivalent, 1 not run"));
  ck_assert_ptr_nonnull(strstr(out, "result for mutant 'gone', which the catalogue no longer has"));
  char *j = slurp(json);
  ck_assert(json_valid(j, strlen(j)));
  ck_assert_ptr_nonnull(strstr(j, "\"score\": 50.00"));
  ck_assert_ptr_nonnull(strstr(j, "\"kind\": \"mutant-survived\""));
  ck_assert_ptr_nonnull(strstr(j, "{\"id\": \"k1\", \"file\": \"src/clean.c\", \"catalogue_line\": 2, "
                                  "\"status\": \"killed\""));
  free(j);
  char *h = slurp(html);
  ck_assert_ptr_nonnull(strstr(h, "id=\"mutation-score\""));
  ck_assert_ptr_nonnull(strstr(h, "<th>Mutants (killed/scored)</th>"));
  free(h);
  free(out), free(err);

  /* Once s1 is killed (its row unchanged) the gate passes; a row edited
   * after its run makes the stored result stale: not run, not killed. */
  snprintf(rows, sizeof rows,
           "k1\tclean.rule\tkilled\t3.5\t%s\tdate\tby test_x\n"
           "e1\tclean.rule\tsurvived\t9.0\t%s\tdate\tevery test passed\n"
           "s1\tclean.rule\tkilled\t2.0\t%s\tdate\tby test_new\n"
           "n1\tclean.rule\tkilled\t2.0\t12345678\tdate\tby test_new\n",
           k1, e1, s1);
  put_file(res, rows);
  const char *again[] = {"--root", clean, "--results", clean_res, "--mutants", cat,
                         "--check", NULL};
  ck_assert_msg(run_tool(NULL, &out, &err, again) == 0, "%s%s", out, err);
  ck_assert_ptr_nonnull(strstr(out, "score 100.0% (2 killed, 0 survived, 1 equivalent of 4"));
  free(out), free(err);

  /* A malformed catalogue is bad input (exit 2), naming file and line. */
  put_file(cat, "k1\tclean.rule\tsrc/clean.c\tonly four\n");
  ck_assert_int_eq(run_tool(NULL, &out, &err, again), 2);
  ck_assert_ptr_nonnull(strstr(err, "mutants.tsv:1: expected 6 or 7 tab-separated columns"));
  free(out), free(err);
  /* --no-mutants reads none: no mutation line at all. */
  const char *none[] = {"--root", clean, "--results", clean_res, "--mutants", cat,
                        "--no-mutants", NULL};
  ck_assert_int_eq(run_tool(NULL, &out, &err, none), 0);
  ck_assert_ptr_null(strstr(out, "mutation"));
  free(out), free(err);
  unlink(cat), unlink(res), unlink(json), unlink(html);
  rmdir(dir);
  free(cat), free(res), free(json), free(html), free(dir);
  free(clean), free(clean_res);
}
END_TEST

static Suite *trace_suite(void) {
  Suite *s = suite_create("trace_tool");
  TCase *parse = tcase_create("parsers");
  tcase_add_test(parse, test_registry_good);
  tcase_add_test(parse, test_registry_errors);
  tcase_add_test(parse, test_registry_missing_file);
  tcase_add_test(parse, test_project_registry);
  tcase_add_test(parse, test_marker_syntax);
  tcase_add_test(parse, test_marker_c_attachment);
  tcase_add_test(parse, test_scan_kinds);
  tcase_add_test(parse, test_scan_tree_skips);
  tcase_add_test(parse, test_xml_parse);
  tcase_add_test(parse, test_xml_tolerant);
  tcase_add_test(parse, test_spec_parse);
  suite_add_tcase(s, parse);
  TCase *join = tcase_create("join");
  tcase_add_test(join, test_join_results);
  tcase_add_test(join, test_join_problems);
  tcase_add_test(join, test_json_output);
  suite_add_tcase(s, join);
  TCase *cli = tcase_create("cli");
  tcase_add_test(cli, test_cli_help_and_usage_errors);
  tcase_add_test(cli, test_cli_check_exit_codes);
  tcase_add_test(cli, test_cli_outputs);
  tcase_add_test(cli, test_results_in_subfolders);
  suite_add_tcase(s, cli);
  TCase *robust = tcase_create("robustness");
  tcase_add_test(robust, test_random_input);
  tcase_add_test(robust, test_truncated_logs);
  suite_add_tcase(s, robust);
  TCase *mut = tcase_create("mutation");
  tcase_add_test(mut, test_mutation_checksum);
  tcase_add_test(mut, test_mutation_join_and_gate);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) {
  SRunner *runner = srunner_create(trace_suite());
  const char *dir = getenv("VMIR_RESULTS_DIR");
  char xml[4096];
  if (dir && *dir) {
    snprintf(xml, sizeof xml, "%s/trace_tool.xml", dir);
    mkdir(dir, 0777);
    srunner_set_xml(runner, xml);
  }
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
