/* Reader for the XML logs that Check writes with srunner_set_xml():
 *
 *   <testsuites><suite><title>S</title>
 *     <test result="success|failure|error"><path>P</path><fn>F.c:LINE</fn>
 *       <id>NAME</id><iteration>I</iteration><duration>D</duration>
 *       <description>TCASE</description><message>M</message></test> ...
 *
 * The reader is tolerant: unknown elements are ignored, a truncated log
 * yields the tests that were complete, entities are decoded. */
#ifndef VMIR_TRACE_CHECK_XML_H
#define VMIR_TRACE_CHECK_XML_H

#include <stddef.h>

#include "util.h"

typedef enum {
  TEST_PASS = 0,
  TEST_FAIL = 1,    /* failure or error */
  TEST_NOT_RUN = 2, /* no result found */
  TEST_UNKNOWN = 3  /* marker not attached to a Check test */
} test_result;

typedef struct {
  char *log;     /* the XML file it came from */
  char *log_stem; /* its basename without .xml: the suite's source stem */
  char *suite;   /* <title> of the enclosing <suite> */
  char *fn_file; /* file part of <fn> (a basename) */
  int fn_line;
  char *id;      /* test function name */
  char *tcase;   /* <description> */
  char *message;
  int iteration;
  test_result result;
  int is_error; /* result="error" (crash, timeout) rather than "failure" */
} xml_result;

typedef struct {
  xml_result *items;
  size_t n;
  size_t cap;
  size_t logs; /* number of XML files read */
} result_list;

const char *test_result_name(test_result r);

/* Parses one log's text. Warnings (not a Check log, truncated) go to
 * warnings as "path:line: message". Returns the number of tests added. */
size_t check_xml_parse(const char *text, size_t len, const char *path,
                       result_list *out, strlist *warnings);

/* Reads every *.xml in dir (sorted by name). Returns 0, or -1 with an
 * error when dir cannot be read. */
int check_xml_load_dir(const char *dir, result_list *out, strlist *warnings,
                       strlist *errors);

void result_list_free(result_list *l);

#endif
