/* The one error setter of the library: clears the error, sets the code and
 * formats the message. Callers add their own context (pc, path, position)
 * afterwards. */
#ifndef VMIR_UTIL_ERROR_SET_H
#define VMIR_UTIL_ERROR_SET_H

#include <stdarg.h>

#include "vmir/error.h"

/* Does nothing when err is NULL; returns code either way. */
vmir_status vmir_error_set(vmir_error *err, vmir_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
vmir_status vmir_error_setv(vmir_error *err, vmir_status code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
