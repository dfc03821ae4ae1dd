/* Shared helpers for the Check conformance suites. Each test names the rules
 * it verifies with t[verify <rule-id>] markers in a comment above it. */
#ifndef VMIR_CONFORMANCE_HARNESS_H
#define VMIR_CONFORMANCE_HARNESS_H

#include <check.h>
#include <stddef.h>

/* Runs the suite, writing Check's XML log to $VMIR_RESULTS_DIR/<name>.xml
 * (default: ./results/<name>.xml) for the traceability report. Returns the
 * process exit status: 0 when every test passed. */
int vmir_test_run(Suite *suite, const char *name);

/* The shared folder (spec/, corpora/, conformance/): $VMIR_SHARED if set,
 * else the build's configured default. NULL, after printing why, when the
 * folder is absent; callers then skip. */
const char *vmir_test_shared_dir(void);

/* Checked-in test data: conformance/data/<rel>. */
const char *vmir_test_data_path(const char *rel);

/* Reads a whole file; NULL if it cannot be read. Caller frees. */
char *vmir_test_read_file(const char *path, size_t *len_out);

#endif
