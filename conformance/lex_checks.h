/* Assertions shared by the lexer suites (json_lex.c, msgpack_lex.c): a
 * builtin call that succeeds, or fails with a code, a message naming the
 * problem, and an input position. Both expect a `vmir_error err` in scope. */
#ifndef VMIR_CONFORMANCE_LEX_CHECKS_H
#define VMIR_CONFORMANCE_LEX_CHECKS_H

#include <string.h>

#define ck_ok(call)                                                          \
  do {                                                                       \
    vmir_status st_ = (call);                                                \
    ck_assert_msg(st_ == VMIR_OK, "%s failed: %s", #call, err.message);      \
  } while (0)

/* The call fails with `code` and a message containing `needle`. */
#define ck_fails(call, code, needle)                                         \
  do {                                                                       \
    vmir_status st_ = (call);                                                \
    ck_assert_msg(st_ == (code), "%s: status %s (message: %s)", #call,       \
                  vmir_status_name(st_), err.message);                       \
    ck_assert_msg(strstr(err.message, (needle)) != NULL,                     \
                  "message \"%s\" lacks \"%s\"", err.message, (needle));     \
    ck_assert_int_eq(err.has_offset, 1);                                     \
  } while (0)

#endif
