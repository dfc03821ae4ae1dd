/* The kernel-versus-reference comparisons of format/reference.h, shared by
 * the kernels conformance suite and the kernels fuzz target. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/reference.h"
#include "sink/sink_internal.h"

static bool differ(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool differ(char *why, size_t why_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, why_len, fmt, ap);
  va_end(ap);
  return false;
}

bool vmir_reference_same_number(const uint8_t *text, size_t len, vmir_arena *arena, char *why,
                                size_t why_len) {
  vmir_source a, b;
  vmir_scalar va, vb;
  vmir_error ea, eb;
  vmir_source_init(&a, text, len, VMIR_SOURCE_TEXT);
  vmir_source_init(&b, text, len, VMIR_SOURCE_TEXT);
  vmir_error_clear(&ea);
  vmir_error_clear(&eb);
  memset(&va, 0, sizeof va);
  memset(&vb, 0, sizeof vb);
  vmir_status sa = vmir_json_lex_number(&a, arena, &va, &ea);
  vmir_status sb = vmir_json_lex_number_reference(&b, arena, &vb, &eb);
  vmir_arena_reset(arena);
  int n = len > 200 ? 200 : (int)len;
  if (sa != sb) return differ(why, why_len, "'%.*s': status %d, reference %d", n, text, sa, sb);
  if (sa != VMIR_OK) {
    if (strcmp(ea.message, eb.message) == 0) return true;
    return differ(why, why_len, "'%.*s': '%s', reference '%s'", n, text, ea.message, eb.message);
  }
  /* Same type and bits: for floats, the same double bit for bit. */
  if (a.pos != b.pos || va.type != vb.type || va.as.u64 != vb.as.u64)
    return differ(why, why_len, "'%.*s': end %zu type %d bits %llx, reference end %zu type %d bits %llx",
                  n, text, a.pos, va.type, (unsigned long long)va.as.u64, b.pos, vb.type,
                  (unsigned long long)vb.as.u64);
  return true;
}

bool vmir_reference_same_float_text(double v, bool is_f32, char *why, size_t why_len) {
  char got[VMIR_FLOAT_TEXT_MAX + 1], want[VMIR_FLOAT_TEXT_MAX + 1];
  size_t gn = vmir_sink_format_float(got, v, is_f32);
  size_t wn = vmir_sink_format_float_reference(want, v, is_f32);
  got[gn] = want[wn] = 0;
  if (gn != wn || memcmp(got, want, gn) != 0)
    return differ(why, why_len, "%a%s: '%s', reference '%s'", v, is_f32 ? " (f32)" : "", got, want);
  double back = is_f32 ? (double)strtof(got, NULL) : strtod(got, NULL);
  double exact = is_f32 ? (double)(float)v : v;
  if (memcmp(&back, &exact, sizeof back) != 0)
    return differ(why, why_len, "%a: '%s' reads back as %a", v, got, back);
  return true;
}

bool vmir_reference_same_string(const uint8_t *text, size_t len, char *why, size_t why_len) {
  vmir_source a, b;
  vmir_json_string sa_, sb_;
  vmir_error ea, eb;
  vmir_source_init(&a, text, len, VMIR_SOURCE_TEXT);
  vmir_source_init(&b, text, len, VMIR_SOURCE_TEXT);
  vmir_error_clear(&ea);
  vmir_error_clear(&eb);
  vmir_status sa = vmir_json_scan_string(&a, &sa_, &ea);
  vmir_status sb = vmir_json_scan_string_reference(&b, &sb_, &eb);
  if (sa != sb) return differ(why, why_len, "string of %zu bytes: status %d, reference %d", len, sa, sb);
  if (sa != VMIR_OK) {
    if (strcmp(ea.message, eb.message) == 0) return true;
    return differ(why, why_len, "string: '%s', reference '%s'", ea.message, eb.message);
  }
  if (a.pos != b.pos || sa_.start != sb_.start || sa_.end != sb_.end ||
      sa_.decoded_len != sb_.decoded_len || sa_.escaped != sb_.escaped)
    return differ(why, why_len, "string: end %zu decoded %zu escaped %d, reference end %zu decoded %zu escaped %d",
                  sa_.end, sa_.decoded_len, sa_.escaped, sb_.end, sb_.decoded_len, sb_.escaped);
  return true;
}

/* vmir_json_lex_string on text (copy or view) in an arena whose current
 * chunk has `room` bytes free (SIZE_MAX: as it comes), against the
 * reference scan (status, message, end) and unescape (bytes). */
static bool same_lexed(const uint8_t *text, size_t len, bool copy, size_t room, char *why,
                       size_t why_len) {
  vmir_source a, b;
  vmir_json_string sb_;
  vmir_error ea, eb;
  vmir_source_init(&a, text, len, VMIR_SOURCE_TEXT);
  vmir_source_init(&b, text, len, VMIR_SOURCE_TEXT);
  vmir_error_clear(&ea);
  vmir_error_clear(&eb);
  vmir_arena arena;
  vmir_arena_init(&arena, VMIR_ARENA_UNLIMITED);
  (void)vmir_arena_alloc(&arena, 1, 1); /* a first chunk */
  size_t free_now = (size_t)(arena.end - arena.ptr);
  if (room != SIZE_MAX && free_now > room) (void)vmir_arena_alloc(&arena, free_now - room, 1);
  vmir_str got = {0};
  vmir_status sa = vmir_json_lex_string(&a, &arena, copy, &got, &ea);
  vmir_status sb = vmir_json_scan_string_reference(&b, &sb_, &eb);
  bool same = true;
  if (sa != sb) {
    same = differ(why, why_len, "lexed string of %zu bytes (copy %d, room %zu): status %d, reference %d",
                  len, copy, room, sa, sb);
  } else if (sa != VMIR_OK) {
    if (strcmp(ea.message, eb.message) != 0)
      same = differ(why, why_len, "lexed string: '%s', reference '%s'", ea.message, eb.message);
  } else {
    uint8_t *want = malloc(sb_.end - sb_.start + 1);
    if (!want) abort();
    size_t want_len = vmir_json_unescape_reference(text, sb_.start, sb_.end, want);
    if (a.pos != b.pos || got.len != want_len || (want_len && memcmp(got.ptr, want, want_len) != 0))
      same = differ(why, why_len,
                    "lexed string of %zu bytes (copy %d, room %zu): end %zu, %zu bytes; reference end %zu, "
                    "%zu bytes%s",
                    len, copy, room, a.pos, got.len, b.pos, want_len,
                    got.len == want_len ? " (the bytes differ)" : "");
    else if (!copy && !sb_.escaped && got.ptr != (const char *)text + sb_.start)
      same = differ(why, why_len, "lexed string: a plain string without copy is not a view");
    free(want);
  }
  vmir_arena_free(&arena);
  return same;
}

bool vmir_reference_same_lexed_string(const uint8_t *text, size_t len, char *why, size_t why_len) {
  const size_t rooms[] = {SIZE_MAX, len / 2, len > 8 ? len - 8 : 0, 40};
  for (size_t r = 0; r < sizeof rooms / sizeof rooms[0]; r++)
    for (int copy = 0; copy < 2; copy++)
      if (!same_lexed(text, len, copy, rooms[r], why, why_len)) return false;
  return true;
}

bool vmir_reference_same_escape(const uint8_t *s, size_t n, char *why, size_t why_len) {
  uint8_t *want = malloc(6 * n + 2);
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  if (!want || !w) abort();
  size_t bad = 0;
  size_t want_len = vmir_json_escape_reference(s, n, want, &bad);
  vmir_sink *sink = vmir_json_writer_sink(w);
  vmir_scalar v = {.type = VMIR_SCALAR_STRING, .as.string = {(const char *)s, n}};
  vmir_status st = sink->ops->scalar(sink, &v);
  bool same = true;
  if (want_len == 0) {
    char message[96];
    snprintf(message, sizeof message, "invalid UTF-8 at byte %zu of string", bad);
    if (st == VMIR_OK || !strstr(sink->error, message))
      same = differ(why, why_len, "escape of %zu bytes: the reference says \"%s\", the writer %s", n,
                    message, st == VMIR_OK ? "accepts it" : sink->error);
  } else if (st != VMIR_OK) {
    same = differ(why, why_len, "escape of %zu bytes: the writer refuses it (%s)", n, sink->error);
  } else {
    size_t got_len = 0;
    const uint8_t *got = vmir_json_writer_data(w, &got_len);
    size_t i = 0;
    while (i < got_len && i < want_len && got[i] == want[i]) i++;
    if (got_len != want_len || i != want_len)
      same = differ(why, why_len, "escape of %zu bytes: output differs at byte %zu (%zu vs %zu bytes)", n,
                    i, got_len, want_len);
  }
  vmir_json_writer_free(w);
  free(want);
  return same;
}
