/* vmir: one error type for every failure, from text parsing to execution. */
#ifndef VMIR_ERROR_H
#define VMIR_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vmir_status {
  VMIR_OK = 0,
  VMIR_E_SYNTAX,        /* malformed text (shape or IR) */
  VMIR_E_ENCODING,      /* malformed binary program */
  VMIR_E_LAYOUT,        /* shape layout does not fit its size or alignment */
  VMIR_E_SHAPE,         /* shape is inconsistent (bad reference, bad kind) */
  VMIR_E_VERIFY,        /* program rejected by the verifier */
  VMIR_E_ABI,           /* program ABI differs from the executor's */
  VMIR_E_SHAPE_ID,      /* runtime shape differs from the program's root shape */
  VMIR_E_LIMIT,         /* a size, depth or count limit was exceeded */
  VMIR_E_NOMEM,         /* allocation failed */
  VMIR_E_SINK,          /* the sink reported a failure */
  VMIR_E_PREDICATE,     /* a predicate could not be evaluated */
  VMIR_E_EXEC,          /* execution reached an invalid state */
  VMIR_E_DECODE,        /* input document is malformed */
  VMIR_E_BUILD,         /* input document does not fit the shape */
  VMIR_E_UNSUPPORTED,   /* feature not available in this build or tier */
  VMIR_E_IO,            /* a file could not be read or written */
  VMIR_E_USAGE          /* invalid argument to an API call */
} vmir_status;

/* Where an error happened. Fields that do not apply are left at their
 * "unknown" values (0 for line/column, -1 for pc parts and predicate). */
typedef struct vmir_error {
  vmir_status code;
  char message[256];
  /* Source position for text and document inputs (1-based line/column). */
  size_t offset;
  uint32_t line, column;
  int has_offset;
  /* Program counter: proc, block, instruction index. */
  int32_t proc, block, insn;
  /* Logical value path such as ".statuses[3].user.name". */
  char path[160];
  /* Predicate failures: predicate index and the field it was evaluated for. */
  int32_t predicate;
  char predicate_field[64];
} vmir_error;

void vmir_error_clear(vmir_error *err);
const char *vmir_status_name(vmir_status code);
/* One line: "code: message at line L, column C (offset O) at pc fP:bB:I path P". */
size_t vmir_error_format(const vmir_error *err, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
