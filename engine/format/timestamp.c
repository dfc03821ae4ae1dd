/* Timestamps: the MessagePack timestamp extension and RFC 3339 text.
 *
 * Why our own calendar code: the C library's conversions fit badly.
 * strptime is lenient (optional fields, any whitespace), knows no
 * fractional seconds or "+hh:mm" offsets and gives no error position;
 * timegm is not POSIX; gmtime_r goes through time_t and struct tm's int
 * year. The proleptic Gregorian day count below is a few lines of integer
 * arithmetic over the 400-year cycle (146097 days). */
#include "format/timestamp.h"

#include <stdio.h>
#include <string.h>

#include "util/big_endian.h"

#define SECONDS_PER_DAY INT64_C(86400)
/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what RFC 3339 can write */
#define RFC3339_MIN_SECONDS INT64_C(-62167219200)
#define RFC3339_MAX_SECONDS INT64_C(253402300799)

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. The year starts in
 * March so that the leap day ends it; month lengths from March then follow
 * (153 * m + 2) / 5. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                                   /* 0..399 */
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool leap_year(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* ---- MessagePack timestamp extension ------------------------------------ */

size_t vmir_timestamp_to_ext(vmir_timestamp ts, uint8_t out[12]) {
  if (ts.seconds >= 0 && ((uint64_t)ts.seconds >> 34) == 0) {
    if (ts.nanoseconds == 0 && ((uint64_t)ts.seconds >> 32) == 0) {
      vmir_store_be32(out, (uint32_t)ts.seconds);                   /* timestamp 32 */
      return 4;
    }
    vmir_store_be64(out, ((uint64_t)ts.nanoseconds << 34) | (uint64_t)ts.seconds);  /* timestamp 64 */
    return 8;
  }
  vmir_store_be32(out, ts.nanoseconds);                               /* timestamp 96 */
  vmir_store_be64(out + 4, (uint64_t)ts.seconds);
  return 12;
}

bool vmir_timestamp_from_ext(const uint8_t *data, size_t len, vmir_timestamp *out,
                             char *why, size_t cap) {
  uint64_t nanos;
  switch (len) {
    case 4:
      out->seconds = (int64_t)vmir_load_be32(data);
      nanos = 0;
      break;
    case 8: {
      uint64_t v = vmir_load_be64(data);
      nanos = v >> 34;
      out->seconds = (int64_t)(v & ((UINT64_C(1) << 34) - 1));
      break;
    }
    case 12: {
      nanos = vmir_load_be32(data);
      uint64_t s = vmir_load_be64(data + 4);
      /* two's complement without an implementation-defined conversion */
      out->seconds = s >> 63 ? -(int64_t)(~s) - 1 : (int64_t)s;
      break;
    }
    default:
      snprintf(why, cap, "timestamp ext data of %zu bytes: expected 4, 8 or 12", len);
      return false;
  }
  if (nanos >= VMIR_NANOS_PER_SECOND) {
    snprintf(why, cap, "timestamp nanoseconds %llu out of range (must be below 1000000000)",
             (unsigned long long)nanos);
    return false;
  }
  out->nanoseconds = (uint32_t)nanos;
  return true;
}

/* ---- RFC 3339 ------------------------------------------------------------ */

bool vmir_timestamp_format(vmir_timestamp ts, char buf[VMIR_RFC3339_MAX], size_t *len) {
  if (ts.seconds < RFC3339_MIN_SECONDS || ts.seconds > RFC3339_MAX_SECONDS ||
      ts.nanoseconds >= VMIR_NANOS_PER_SECOND)
    return false;
  int64_t days = floor_div(ts.seconds, SECONDS_PER_DAY);
  int64_t secs = ts.seconds - days * SECONDS_PER_DAY;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  int n = snprintf(buf, VMIR_RFC3339_MAX, "%04d-%02u-%02uT%02d:%02d:%02d", (int)y, m, d,
                   (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
  if (ts.nanoseconds) {
    char frac[10];
    snprintf(frac, sizeof frac, "%09u", (unsigned)ts.nanoseconds);
    size_t digits = 9;
    while (frac[digits - 1] == '0') digits--;
    buf[n++] = '.';
    memcpy(buf + n, frac, digits);
    n += (int)digits;
  }
  buf[n++] = 'Z';
  buf[n] = '\0';
  *len = (size_t)n;
  return true;
}

typedef struct rfc_reader {
  const char *text;
  size_t len, pos;
  char *why;
  size_t cap;
} rfc_reader;

static bool expected(rfc_reader *r, const char *what) {
  snprintf(r->why, r->cap, "expected %s in an RFC 3339 timestamp", what);
  return false;
}

/* Exactly n digits (the field `name`) in [lo, hi]. A bad value is reported
 * at its first digit. */
static bool digits(rfc_reader *r, size_t n, unsigned lo, unsigned hi, const char *name,
                   unsigned *out) {
  char what[48];
  snprintf(what, sizeof what, "%zu digits of the %s", n, name);
  size_t start = r->pos;
  unsigned v = 0;
  for (size_t i = 0; i < n; i++, r->pos++) {
    if (r->pos >= r->len || r->text[r->pos] < '0' || r->text[r->pos] > '9')
      return expected(r, what);
    v = v * 10 + (unsigned)(r->text[r->pos] - '0');
  }
  if (v < lo || v > hi) {
    r->pos = start;
    snprintf(r->why, r->cap, "%s %u out of range (%u..%u) in an RFC 3339 timestamp", name, v,
             lo, hi);
    return false;
  }
  *out = v;
  return true;
}

static bool literal(rfc_reader *r, char c, char alt, const char *what) {
  if (r->pos < r->len && (r->text[r->pos] == c || r->text[r->pos] == alt)) {
    r->pos++;
    return true;
  }
  return expected(r, what);
}

static bool parse(rfc_reader *r, vmir_timestamp *out) {
  unsigned year, month, day, hour, minute, second;
  if (!digits(r, 4, 0, 9999, "year", &year) || !literal(r, '-', '-', "'-'") ||
      !digits(r, 2, 1, 12, "month", &month) || !literal(r, '-', '-', "'-'"))
    return false;
  size_t day_at = r->pos;
  if (!digits(r, 2, 1, 31, "day", &day)) return false;
  if (day > days_in_month(year, month)) {
    r->pos = day_at;
    snprintf(r->why, r->cap, "day %u does not exist in %04u-%02u", day, year, month);
    return false;
  }
  if (!literal(r, 'T', 't', "'T' between date and time") ||
      !digits(r, 2, 0, 23, "hour", &hour) || !literal(r, ':', ':', "':'") ||
      !digits(r, 2, 0, 59, "minute", &minute) || !literal(r, ':', ':', "':'"))
    return false;
  size_t second_at = r->pos;
  if (!digits(r, 2, 0, 60, "second", &second)) return false;
  if (second == 60) {
    r->pos = second_at;
    snprintf(r->why, r->cap, "leap second :60 cannot be represented by a timestamp");
    return false;
  }
  uint32_t nanos = 0;
  if (r->pos < r->len && r->text[r->pos] == '.') {
    r->pos++;
    size_t n = 0;
    while (r->pos < r->len && r->text[r->pos] >= '0' && r->text[r->pos] <= '9') {
      if (n == 9) {
        snprintf(r->why, r->cap, "more than 9 fractional digits (nanoseconds are the finest)");
        return false;
      }
      nanos = nanos * 10 + (uint32_t)(r->text[r->pos++] - '0');
      n++;
    }
    if (n == 0) return expected(r, "a digit after '.'");
    for (; n < 9; n++) nanos *= 10;
  }
  int64_t offset = 0;
  if (r->pos < r->len && (r->text[r->pos] == '+' || r->text[r->pos] == '-')) {
    int sign = r->text[r->pos++] == '-' ? -1 : 1;
    unsigned oh, om;
    if (!digits(r, 2, 0, 23, "offset hour", &oh) || !literal(r, ':', ':', "':'") ||
        !digits(r, 2, 0, 59, "offset minute", &om))
      return false;
    offset = sign * (int64_t)(oh * 3600 + om * 60);
  } else if (!literal(r, 'Z', 'z', "'Z' or an offset (+hh:mm, -hh:mm)")) {
    return false;
  }
  if (r->pos != r->len) return expected(r, "the end of the timestamp");
  /* local time = UTC + offset */
  out->seconds = days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 +
                 minute * 60 + second - offset;
  out->nanoseconds = nanos;
  return true;
}

bool vmir_timestamp_parse(const char *text, size_t len, vmir_timestamp *out, size_t *bad,
                          char *why, size_t cap) {
  rfc_reader r = {.text = text, .len = len, .pos = 0, .why = why, .cap = cap};
  if (parse(&r, out)) return true;
  *bad = r.pos;
  return false;
}
