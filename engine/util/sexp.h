/* Generic S-expression reader shared by the shape text and IR text loaders.
 * Reads (buffer, length), never past it; nesting and size bounded; every node
 * carries its line, column and byte offset for error messages. */
#ifndef VMIR_UTIL_SEXP_H
#define VMIR_UTIL_SEXP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"

typedef enum sexp_type {
  SEXP_LIST = 0,
  SEXP_SYMBOL,   /* bare atom: letters, digits, '-', '_', '.', not leading digit */
  SEXP_INT,      /* base-10, optional leading '-', no '+', no leading zeros */
  SEXP_STRING,   /* "...", JSON escapes, valid UTF-8; decoded */
  SEXP_BYTES     /* #x followed by an even number of lowercase hex digits */
} sexp_type;

typedef struct sexp_node sexp_node;
struct sexp_node {
  sexp_type type;
  uint32_t line, column;     /* 1-based */
  size_t offset;
  /* SYMBOL: source text; STRING and BYTES: decoded bytes (NUL-terminated) */
  const char *text;
  size_t len;
  /* INT: magnitude and sign; fits u64 */
  uint64_t magnitude;
  bool negative;
  /* LIST: children */
  sexp_node *items;
  uint32_t count;
};

typedef struct sexp_doc sexp_doc;

/* Parses exactly one top-level form (comments and whitespace around it are
 * allowed). `origin` names the input in errors. */
sexp_doc *sexp_parse(const char *src, size_t len, const char *origin,
                     uint32_t max_depth, vmir_error *err);
const sexp_node *sexp_root(const sexp_doc *doc);
void sexp_free(sexp_doc *doc);

bool sexp_is_symbol(const sexp_node *n, const char *sym);
/* A list whose first item is the symbol `head`. */
bool sexp_is_form(const sexp_node *n, const char *head);
/* Reads an INT node as int64/uint64; false when out of range or not INT. */
bool sexp_to_i64(const sexp_node *n, int64_t *out);
bool sexp_to_u64(const sexp_node *n, uint64_t *out);
const char *sexp_type_name(sexp_type t);

/* Fills `err` with code, a formatted message and the node's position:
 * "<origin>:<line>:<column>: <message>". Returns `code`. */
vmir_status sexp_error(vmir_error *err, vmir_status code, const char *origin,
                       const sexp_node *at, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
