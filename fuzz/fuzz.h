/* vmir fuzzing: what every harness shares. Each harness defines
 * vmir_fuzz_one; driver.c wraps it in an AFL++ persistent-mode main, a
 * libFuzzer entry point or a replay main (see docs/fuzzing.md). */
#ifndef VMIR_FUZZ_FUZZ_H
#define VMIR_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/vmir.h"

/* One test case. Returns 0; a crash, a divergence or a broken invariant
 * aborts the process (after printing what differed). */
int vmir_fuzz_one(const uint8_t *data, size_t size);
/* Called once before the first test case: everything a harness would
 * otherwise set up lazily (compiled programs, parsed shape files, tier
 * list), so the first test case covers the same edges as every later one
 * (AFL++ stability). */
void vmir_fuzz_init(void);
/* The shared part of every harness's init (tiers, sinks, fixed shapes,
 * statistics switch). */
void fz_init_common(void);

/* Set by the replay main: the differential harnesses then run every JIT
 * tier on each test case; while fuzzing, one tier chosen by the input
 * (the same input bytes are read either way). */
extern bool fz_replay;

/* ---- reading decisions from the fuzz bytes --------------------------------
 * Past the end every read returns 0, so any input is a complete test case
 * and a shorter input is a "smaller" decision sequence. */
typedef struct fz_bytes {
  const uint8_t *p;
  size_t n, pos;
} fz_bytes;

static inline fz_bytes fz_bytes_of(const uint8_t *p, size_t n) {
  return (fz_bytes){p, n, 0};
}
uint8_t fz_u8(fz_bytes *b);
uint32_t fz_u32(fz_bytes *b);
uint64_t fz_u64(fz_bytes *b);
/* A number in [0, n) (0 when n is 0). */
uint32_t fz_below(fz_bytes *b, uint32_t n);
bool fz_bit(fz_bytes *b);
size_t fz_left(const fz_bytes *b);
/* The unread bytes; consumes them. */
const uint8_t *fz_rest(fz_bytes *b, size_t *len);

/* ---- known engine bugs ------------------------------------------------------
 * A campaign can steer around an engine bug it already found (so it keeps
 * exploring instead of re-finding it): VMIR_FUZZ_AVOID=name,name... names
 * bugs from docs/fuzzing.md whose trigger the generators then leave out.
 * Replays of fuzz/regressions never set it. */
bool fz_avoid(const char *bug);

/* Counts how far test cases get ("valid shape", "encoded", ...); printed
 * at exit when VMIR_FUZZ_STATS is set, for tuning the generators. Names
 * must be string literals. */
void fz_stat(const char *name);
void fz_stat_add(const char *name, unsigned long long n);

/* ---- reporting ----------------------------------------------------------- */

/* Prints "vmir-fuzz <target>: <message>", the shape's text (when shape is not
 * NULL), then aborts. Never returns. */
_Noreturn void fz_fail(const char *target, const vmir_shape *shape, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* First offset where two byte strings differ (the shorter length when one
 * is a prefix of the other); SIZE_MAX when equal. */
size_t fz_first_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* "code: message ... path" of an error, for messages. */
const char *fz_error_text(const vmir_error *err, char *buf, size_t cap);

/* ---- an owned byte string ------------------------------------------------- */
typedef struct fz_out {
  vmir_status status;
  vmir_error err;
  uint8_t *data;   /* malloc'd; NULL when empty */
  size_t len;
} fz_out;

void fz_out_set(fz_out *o, const uint8_t *data, size_t len);
void fz_out_free(fz_out *o);

/* Compares two outcomes: equal status, equal bytes; for failures the error
 * code, path and pc too (and the message when `messages`). Aborts naming
 * `what_a`/`what_b` and the first differing byte. */
void fz_expect_same(const char *target, const vmir_shape *shape, const char *what_a,
                    const fz_out *a, const char *what_b, const fz_out *b, bool messages);

/* Host predicate used by every harness: deterministic from the host id and
 * the value view; host id 13 reports an error (the predicate error path). */
vmir_status fz_host_predicate(void *ctx, uint32_t host_id, const vmir_value_view *value,
                              bool *result);
extern const vmir_exec_env fz_env;

#endif
