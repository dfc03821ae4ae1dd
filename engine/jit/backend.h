/* The JIT backend interface. Every backend (copy-and-patch stencils, LLVM,
 * libgccjit) turns a pre-decoded executable into a code object whose entry
 * has ONE function type; the tiering runtime (engine/runtime) decides when
 * to compile, checks nothing itself that the code's entry guards check, and
 * resumes the interpreter when the code deoptimises. See docs/jit.md.
 *
 * Internal to the library: the public face is vmir/jit.h. */
#ifndef VMIR_BACKEND_H
#define VMIR_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec/executable.h"
#include "exec/vm_state.h"
#include "vmir/exec.h"
#include "vmir/jit.h"

/* The status generated code returns when it stops at a program point and
 * hands the rest of the run to the interpreter: vm->pc names the
 * instruction the interpreter runs next, and every other part of the VM
 * state is already live in the vmir_vm_state (generated code works on it
 * directly, so there is nothing to reconstruct). Never leaves the engine.
 * t[impl format.exec.deopt-resume-point] */
#define VMIR_JIT_DEOPT ((vmir_status)1001)

/* ---- capabilities ---------------------------------------------------------
 * What generated code may assume about the run it is entered for. The
 * runtime computes the set a call provides; code records the set it
 * assumes; the entry guard compares them. */
enum {
  VMIR_CAP_SINK_JSON = 1u << 0,       /* io is a JSON writer's sink */
  VMIR_CAP_SINK_MSGPACK = 1u << 1,    /* io is a MessagePack writer's sink */
  VMIR_CAP_SINK_RECORDER = 1u << 2,   /* io is an event recorder */
  VMIR_CAP_SINK_EVENTS = 1u << 3,     /* io is the unfused decode event batch */
  VMIR_CAP_SINK_CUSTOM = 1u << 4,     /* io is a sink of kind custom */
  VMIR_CAP_HOST_PREDICATE = 1u << 5,  /* env has a host predicate hook */
  /* Reserved for sinks that take typed scalar projections directly; no
   * backend assumes it yet, the bit keeps the cache key layout stable. */
  VMIR_CAP_SCALAR_PROJECTION = 1u << 6
};
#define VMIR_CAP_SINK_ANY                                                   \
  (VMIR_CAP_SINK_JSON | VMIR_CAP_SINK_MSGPACK | VMIR_CAP_SINK_RECORDER |   \
   VMIR_CAP_SINK_EVENTS | VMIR_CAP_SINK_CUSTOM)

/* The capability bit of a sink kind (jit/caps.c). */
uint32_t vmir_cap_of_sink_kind(vmir_sink_kind kind);

/* ---- the entry ABI ----------------------------------------------------------
 * t[impl format.exec.abi-shape-context]: read-only context for safe
 * traversal: the root shape and the facts the entry guards compare. */
typedef struct vmir_shape_context {
  const vmir_shape *root;            /* shape of the root value */
  uint64_t root_shape_id;            /* its id: the shape-id guard reads this */
  uint32_t program_abi;              /* ABI of the program run: the ABI guard */
  uint32_t caps;                     /* capabilities this call provides */
  const vmir_executable *exe;        /* the program bound to `root`, for slow
                                        paths that run one instruction through
                                        the interpreter */
  /* Per pc, the shape the current value has there by shape inference from
   * this run's root (jit/infer.h), or NULL: not known, or this run's root
   * is not the executable's. NULL as a whole: nothing known. Code compiled
   * with a shape known at a pc compares it with this one before using what
   * it resolved from it (exec/ops.h, "known structs"). */
  const vmir_shape *const *known_shapes;
} vmir_shape_context;

/* Why generated code deoptimised (vmir_scratch.deopt_reason). */
typedef enum vmir_deopt_reason {
  VMIR_DEOPT_NONE = 0,
  VMIR_DEOPT_GUARD,        /* an entry guard failed (guard_failed says which) */
  VMIR_DEOPT_FORCED,       /* the debug knob asked for a deopt at this pc */
  VMIR_DEOPT_CHECK,        /* a runtime check failed: the interpreter re-runs
                              the instruction and reports or handles it */
  VMIR_DEOPT_UNSUPPORTED,  /* the backend compiled this opcode to a deopt exit */
  VMIR_DEOPT_REASON_COUNT
} vmir_deopt_reason;

/* t[impl format.exec.abi-scratch-context]: mutable per-call context: where
 * errors go and what a deopt exit reports. Temporary values generated code
 * needs live on its own stack; owned fallbacks (growing a stack past its
 * inline segment) go through the VM state's helpers. */
typedef struct vmir_scratch {
  vmir_error *err;
  uint32_t deopt_reason;             /* vmir_deopt_reason */
  uint32_t guard_failed;             /* vmir_jit_guard_kind + 1, 0 = none */
} vmir_scratch;

/* THE entry function type of every backend's code:
 * t[impl format.exec.abi-root-ptr] root value pointer,
 * t[impl format.exec.abi-shape-context] read-only shape context,
 * t[impl format.exec.abi-sink-context] io: the sink (encode, and the parse
 *   side of unfused decode) or the decode state (fused decode, build),
 * t[impl format.exec.abi-scratch-context] scratch context,
 * and the shared VM state, whose pc is the entry proc's entry on call.
 * Returns VMIR_OK, an error status (err filled, pc and path included), or
 * VMIR_JIT_DEOPT. */
typedef vmir_status (*vmir_jit_entry_fn)(const void *root, const vmir_shape_context *shapes,
                                         void *io, vmir_scratch *scratch, vmir_vm_state *vm);

/* ---- compile requests and code objects ----------------------------------- */

/* What the code may assume. Everything here is part of the cache key. */
typedef struct vmir_jit_assumptions {
  uint64_t root_shape_id;            /* guard: shape id */
  uint32_t program_abi;              /* guard: program ABI */
  uint32_t caps;                     /* guard: capabilities */
  /* With a VMIR_CAP_SINK_* bit: the callbacks the code calls directly (a
   * copy: the guard and the cache key compare the functions themselves, so
   * an ops table freed and reused at the same address cannot pass); all
   * NULL otherwise. */
  vmir_sink_ops sink;
} vmir_jit_assumptions;

/* Backend options: flags from vmir_jit_config plus the debug knobs; part of
 * the cache key. */
typedef struct vmir_jit_options {
  uint32_t flags;                    /* VMIR_JIT_FLAG_* (vmir/jit.h) */
  int64_t force_deopt_pc;            /* -1: none */
  int64_t unsupported_op;            /* test hook: compile this opcode to a
                                        deopt exit; -1: none */
} vmir_jit_options;

typedef struct vmir_jit_request {
  const vmir_executable *exe;
  vmir_jit_assumptions assume;
  vmir_jit_options options;
} vmir_jit_request;

struct vmir_backend;

/* A compiled program. Immutable once returned; shared by every executable
 * whose program has the same identity (the code cache), so it holds no
 * pointer into any one executable. */
typedef struct vmir_jit_code {
  const struct vmir_backend *backend;
  vmir_jit_entry_fn entry;
  vmir_jit_assumptions assume;       /* what the entry guards check */
  size_t code_size;                  /* bytes of machine code */
  size_t data_size;                  /* bytes of tables the code reads */
  uint64_t compile_ns;               /* set by the runtime */
  uint64_t protect_ns;               /* of the compile, time spent making the
                                        code executable (0 when not measured) */
  void *impl;                        /* the backend's own */
} vmir_jit_code;

typedef struct vmir_backend {
  const char *name;
  /* Executions before promotion when the configuration does not say, per
   * level like level_names: {default, low (VMIR_JIT_FLAG_OPT_LOW)}.
   * docs/thresholds.md has the data and the rule. */
  uint64_t default_threshold[2];
  /* Capabilities the backend can exploit (and then guards on). */
  uint32_t capabilities;
  /* True when the backend can compile in this process; otherwise false and
   * *reason says why (static text). */
  bool (*available)(const char **reason);
  /* Compiles req->exe under req->assume (the backend may assume less:
   * *out->assume is what it does assume, a subset). On failure returns an
   * error status and writes a reason into why. */
  vmir_status (*compile)(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                         size_t why_cap);
  void (*release)(vmir_jit_code *code);
  /* Compile on the layer's background thread (for a backend whose compile
   * takes milliseconds): the run that promotes, like every other run, goes
   * on in the interpreter, and the code is used once ready. false: the
   * promoting run compiles (off every lock) and uses the code at once. */
  bool background_compile;
  /* The names of the backend's two optimisation levels, {default, low}
   * (VMIR_JIT_FLAG_OPT_LOW picks the low one), shown by `vmir stats`;
   * NULL for a backend with one level. */
  const char *level_names[2];
} vmir_backend;

/* The backends built into this library, in preference order ("auto" picks
 * the first available). t[impl format.exec.jit-optional]: the list may be
 * empty; the runtime then runs everything on the interpreter. */
size_t vmir_backend_count(void);
const vmir_backend *vmir_backend_at(size_t i);
const vmir_backend *vmir_backend_find(const char *name);
/* Every backend name the project knows (jit/backends.def), built in or
 * not: its static spelling, or NULL. */
const char *vmir_backend_known_name(const char *name);
/* The known names as "stencil, llvm, gccjit" for messages. */
void vmir_backend_known_list(char *out, size_t cap);

#endif
