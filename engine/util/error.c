#include "vmir/error.h"

#include <stdarg.h>

#include <stdio.h>
#include <string.h>

#include "util/error_set.h"

void vmir_error_clear(vmir_error *err) {
  if (!err) return;
  memset(err, 0, sizeof *err);
  err->proc = err->block = err->insn = -1;
  err->predicate = -1;
}

const char *vmir_status_name(vmir_status code) {
  switch (code) {
    case VMIR_OK: return "ok";
    case VMIR_E_SYNTAX: return "syntax";
    case VMIR_E_ENCODING: return "encoding";
    case VMIR_E_LAYOUT: return "layout";
    case VMIR_E_SHAPE: return "shape";
    case VMIR_E_VERIFY: return "verify";
    case VMIR_E_ABI: return "abi";
    case VMIR_E_SHAPE_ID: return "shape-id";
    case VMIR_E_LIMIT: return "limit";
    case VMIR_E_NOMEM: return "nomem";
    case VMIR_E_SINK: return "sink";
    case VMIR_E_PREDICATE: return "predicate";
    case VMIR_E_EXEC: return "exec";
    case VMIR_E_DECODE: return "decode";
    case VMIR_E_BUILD: return "build";
    case VMIR_E_UNSUPPORTED: return "unsupported";
    case VMIR_E_IO: return "io";
    case VMIR_E_USAGE: return "usage";
  }
  return "unknown";
}

size_t vmir_error_format(const vmir_error *err, char *buf, size_t cap) {
  size_t n = 0;
#define PUT(...)                                                        \
  do {                                                                  \
    int w = snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0,  \
                     __VA_ARGS__);                                      \
    if (w > 0) n += (size_t)w;                                          \
  } while (0)
  if (cap) buf[0] = 0;
  PUT("%s error: %s", vmir_status_name(err->code), err->message);
  if (err->proc >= 0 || err->block >= 0) {
    PUT(" at pc f%d:b%d:%d", err->proc < 0 ? 0 : err->proc,
        err->block < 0 ? 0 : err->block, err->insn < 0 ? 0 : err->insn);
  }
  if (err->path[0]) PUT(" path %s", err->path);
  if (err->predicate >= 0) {
    PUT(" predicate p%d", err->predicate);
    if (err->predicate_field[0]) PUT(" for field '%s'", err->predicate_field);
  }
#undef PUT
  return n;
}

vmir_status vmir_error_setv(vmir_error *err, vmir_status code, const char *fmt, va_list ap) {
  if (!err) return code;
  vmir_error_clear(err);
  err->code = code;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  return code;
}

vmir_status vmir_error_set(vmir_error *err, vmir_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmir_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}
