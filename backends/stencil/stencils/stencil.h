/* Common ground of the stencils: C functions compiled by clang-19 at build
 * time into patchable machine code, one per opcode or operand variant.
 *
 * Every stencil works directly on the shared vmir_vm_state, exactly as the
 * interpreter does, so a deoptimisation only has to write the pc: the path
 * stack, loop stack, call frames and decode registers are already live
 * there. t[impl format.exec.deopt-state-transfer]
 *
 * Chaining: a stencil ends by tail-calling the next program point's code
 * (`musttail`, so the chain never grows the native stack, loops included).
 * Inside the chain the calling convention is preserve_none with the VM
 * state first: the five context pointers stay in r12..r15 and rdi, which C
 * helpers preserve, so calling a helper saves nothing. The entry stencil has
 * the C ABI of vmir_jit_entry_fn and calls into the chain.
 *
 * Holes: extern symbols whose address is the constant (HOLE() launders it
 * through an empty asm so the compiler can neither fold it nor assume it is
 * non-null or aligned). With -mcmodel=large each is a movabs with an
 * R_X86_64_64 relocation that the backend patches. */
#ifndef VMIR_STENCIL_H
#define VMIR_STENCIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "jit/backend.h"
#include "exec/ops.h"
#include "exec/value_access.h"
#include "jit/helpers.h"

#if !defined(__clang__) || !__has_attribute(preserve_none) || !__has_attribute(musttail)
#error "stencils need clang (19 or later): preserve_none and musttail"
#endif

/* Four arguments: preserve_none passes them in r12, r13, r14 and r15
 * (x86-64), which the C convention preserves, so a stencil keeps them in
 * place across its calls of C kernels and sink callbacks, with no saving
 * and restoring around each call (a fifth would go to rdi, which every
 * call clobbers). The root pointer is not among them: the path's first
 * entry holds it. */
#define STENCIL_ARGS                                                          \
  vmir_vm_state *vm, void *io, vmir_scratch *scratch, const vmir_shape_context *shapes
#define STENCIL_PASS vm, io, scratch, shapes
/* flatten: every static inline helper (value_access.h) is inlined, so a
 * stencil is one self-contained function. */
#define STENCIL __attribute__((preserve_none, flatten)) vmir_status

typedef __attribute__((preserve_none)) vmir_status (*vmir_stencil_fn)(STENCIL_ARGS);

/* ---- holes ---------------------------------------------------------------- */
extern STENCIL _JIT_CONTINUE(STENCIL_ARGS);
extern STENCIL _JIT_TARGET(STENCIL_ARGS);
extern const char _JIT_A[], _JIT_B[], _JIT_C[], _JIT_PC[], _JIT_IMM[], _JIT_IMM2[];
extern const char _JIT_CASES[], _JIT_COUNT[], _JIT_PC_TABLE[], _JIT_PC_COUNT[];
extern const char _JIT_SINK_FN[];

static inline __attribute__((always_inline)) uint64_t vmir_launder(uint64_t v) {
  __asm__("" : "+r"(v));
  return v;
}
#define HOLE(sym) vmir_launder((uint64_t)(uintptr_t)(sym))
#define OPERAND_A ((uint32_t)HOLE(_JIT_A))
#define OPERAND_B ((uint32_t)HOLE(_JIT_B))
#define OPERAND_C ((uint32_t)HOLE(_JIT_C))
#define PC ((uint32_t)HOLE(_JIT_PC))
#define IMM HOLE(_JIT_IMM)
#define IMM2 HOLE(_JIT_IMM2)
/* Field ops whose struct is known (exec/ops.h, "known structs"): IMM is
 * 0, or 1 | level step << 1 | field offset << 2 (select.c). KNOWN_FIELD(j)
 * is the op's arguments for instruction PC + j: this run's inferred shape
 * there (vmir_shape_context.known_shapes) or NULL, the offset, the step. */
#define KNOWN_FIELD(j)                                                        \
  (IMM && shapes->known_shapes ? shapes->known_shapes[PC + (j)] : (const vmir_shape *)NULL), \
      (uint32_t)(IMM >> 2), (uint32_t)((IMM >> 1) & 1)

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x) __builtin_expect(!!(x), 1)

/* ---- continuations -------------------------------------------------------- */
#define CONTINUE() __attribute__((musttail)) return _JIT_CONTINUE(STENCIL_PASS)
#define GOTO_TARGET() __attribute__((musttail)) return _JIT_TARGET(STENCIL_PASS)

/* Continues at the code of instruction `pc` through the pc table; a pc
 * outside the program is an execution error, never a wild jump. */
#define DISPATCH(pc_expr)                                                     \
  do {                                                                        \
    uint32_t to_ = (pc_expr);                                                 \
    if (UNLIKELY(to_ >= (uint32_t)HOLE(_JIT_PC_COUNT))) {                     \
      vm->pc = PC;                                                            \
      return vmir_jit_bad_pc(shapes->exe, vm, scratch->err, to_);             \
    }                                                                         \
    vmir_stencil_fn f_ = ((const vmir_stencil_fn *)HOLE(_JIT_PC_TABLE))[to_]; \
    __attribute__((musttail)) return f_(STENCIL_PASS);                        \
  } while (0)

/* Stops here and hands the run to the interpreter, which resumes at this
 * very instruction with the live VM state: the instruction has had no
 * effect yet, so re-running it there is exact (it reports the error, grows
 * the stack, or takes the unusual path).
 * t[impl format.exec.no-ub-on-unsupported-case] */
#define DEOPT(reason)                                                         \
  do {                                                                        \
    vm->pc = PC;                                                              \
    scratch->deopt_reason = (reason);                                         \
    return VMIR_JIT_DEOPT;                                                    \
  } while (0)
#define DEOPT_CHECK() DEOPT(VMIR_DEOPT_CHECK)

#define CUR (&vm->path[vm->path_depth - 1])

/* ---- op kernels (exec/ops.h) ---------------------------------------------------
 * A stencil instantiates its op's kernel with report = false: a failed
 * check deopts here (the interpreter re-runs the instruction and reports
 * it), a failure after an effect returns the kernel's error. */
#define KERNEL_CTX                                                            \
  vmir_op_ctx kc_ = {.exe = shapes->exe, .vm = vm, .err = scratch->err,      \
                     .pc = PC, .report = false};                              \
  vmir_op_ctx *k = &kc_
#define RUN(call)                                                             \
  do {                                                                        \
    vmir_status kst_ = (call);                                                \
    if (UNLIKELY(kst_ != VMIR_OK)) {                                          \
      if (kst_ == VMIR_OP_CHECK) DEOPT_CHECK();                               \
      return kst_;                                                            \
    }                                                                         \
  } while (0)

/* ---- fused stencils -----------------------------------------------------------
 * One stencil for a short run of instructions inside a block (select.c
 * fuses them): the ops' kernels one after the other, with no dispatch
 * between them. Op j of the run is instruction PC + j: its kernel reports
 * that pc, and a failed check deopts there, after ops 0..j-1 had their
 * effects, which is exactly the state the interpreter resumes from. */
#define KERNEL_CTX_AT(j)                                                      \
  vmir_op_ctx kc_ = {.exe = shapes->exe, .vm = vm, .err = scratch->err,      \
                     .pc = PC + (j), .report = false};                        \
  vmir_op_ctx *k = &kc_
#define RUN_AT(j, call)                                                       \
  do {                                                                        \
    vmir_status kst_ = (call);                                                \
    if (UNLIKELY(kst_ != VMIR_OK)) {                                          \
      if (kst_ == VMIR_OP_CHECK) {                                            \
        vm->pc = PC + (j);                                                    \
        scratch->deopt_reason = VMIR_DEOPT_CHECK;                             \
        return VMIR_JIT_DEOPT;                                                \
      }                                                                       \
      return kst_;                                                            \
    }                                                                         \
  } while (0)

/* ---- sinks -------------------------------------------------------------------
 * Emission stencils come in two variants: through sink->ops, or calling
 * the callback of the sink seen at compile time directly (the _direct
 * variants, entered only behind the sink guard). Sinks get values and
 * string views, never an address inside the user's value.
 * t[impl format.exec.no-pointer-leak] */
#define SINK_FN(type, member, direct) \
  ((direct) ? (type)(uintptr_t)HOLE(_JIT_SINK_FN) : ((vmir_sink *)io)->ops->member)

/* Defines stencil NAME and NAME_direct from one body that uses `direct`. */
#define EMIT_STENCIL(name, ...)                                               \
  STENCIL vmir_stencil_##name(STENCIL_ARGS) {                                 \
    const bool direct = false;                                                \
    __VA_ARGS__                                                               \
  }                                                                           \
  STENCIL vmir_stencil_##name##_direct(STENCIL_ARGS) {                        \
    const bool direct = true;                                                 \
    __VA_ARGS__                                                               \
  }

#endif
