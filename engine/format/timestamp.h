/* The timestamp's two wire forms: the MessagePack timestamp extension (type
 * -1; timestamp 32, 64 and 96) and RFC 3339 text for JSON. Shared by the
 * writers (encode) and build-store (decode). Rules: docs/shapes.md
 * ("timestamp") and docs/decode-formats.md. */
#ifndef VMIR_FORMAT_TIMESTAMP_H
#define VMIR_FORMAT_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/shape.h"

/* The MessagePack ext type of the timestamp extension. */
#define VMIR_TIMESTAMP_EXT_TYPE (-1)
#define VMIR_NANOS_PER_SECOND 1000000000u
/* Longest RFC 3339 text vmir_timestamp_format writes, NUL included:
 * "9999-12-31T23:59:59.999999999Z". */
#define VMIR_RFC3339_MAX 31

/* The smallest timestamp extension data that holds ts (spec: timestamp 32
 * when nanoseconds are 0 and seconds fit 32 bits unsigned, timestamp 64 when
 * seconds fit 34 bits unsigned, else timestamp 96): writes 4, 8 or 12 bytes
 * into out and returns the count. ts must be valid (nanoseconds < 1e9). */
size_t vmir_timestamp_to_ext(vmir_timestamp ts, uint8_t out[12]);

/* The timestamp in extension data of `len` bytes. false with a reason in
 * why (static text filled into a buffer of cap bytes) when the length is
 * not 4, 8 or 12 or the nanoseconds are 1e9 or more. */
bool vmir_timestamp_from_ext(const uint8_t *data, size_t len, vmir_timestamp *out,
                             char *why, size_t cap);

/* RFC 3339 in UTC: "YYYY-MM-DDTHH:MM:SS[.f]Z", the fraction only when the
 * nanoseconds are not 0 and then with its trailing zeros removed (the
 * shortest text that keeps the nanoseconds). false when the year is outside
 * 0000..9999, which RFC 3339 cannot write. buf holds VMIR_RFC3339_MAX. */
bool vmir_timestamp_format(vmir_timestamp ts, char buf[VMIR_RFC3339_MAX], size_t *len);

/* Parses RFC 3339 date-time text (full-date "T" full-time, "t" and "z"
 * accepted as the RFC allows, an offset "Z" or "+hh:mm"/"-hh:mm" converted
 * to UTC, 1 to 9 fractional digits). false on malformed text: *bad is the
 * index of the first offending byte (len when the text ends too soon) and
 * why says what was expected there. Leap seconds (:60) are rejected: the
 * timestamp has no representation for them. */
bool vmir_timestamp_parse(const char *text, size_t len, vmir_timestamp *out, size_t *bad,
                          char *why, size_t cap);

#endif
