/* The libgccjit backend object (jit/backend.h): compiles the lowered plan
 * (gccjit_lower.c) at O0 or O2 and keeps the gcc_jit_result alive as long
 * as the code object.
 *
 * libgccjit writes the compiled function to a temporary shared object
 * (through the GCC driver, `as` and `ld`) and dlopens it: the dynamic
 * loader maps its text read+execute and its data read+write, never both,
 * so the code is W^X without any work here (docs/jit.md).
 * t[impl format.exec.jit-optional] */
#define _GNU_SOURCE /* dladdr1: the generated function's size */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gccjit_lower.h"
#include "jit/plan.h"

extern const vmir_backend vmir_gccjit_backend;

static gcc_jit_context *new_context(int level) {
  gcc_jit_context *ctxt = gcc_jit_context_acquire();
  if (!ctxt) return NULL;
  gcc_jit_context_set_int_option(ctxt, GCC_JIT_INT_OPTION_OPTIMIZATION_LEVEL, level);
  /* Errors go to the compile's `why`, not to stderr. */
  gcc_jit_context_set_bool_option(ctxt, GCC_JIT_BOOL_OPTION_DEBUGINFO, 0);
  gcc_jit_context_set_bool_allow_unreachable_blocks(ctxt, 1);
  /* The embedded driver (libgccjit's default) runs GCC's driver code in
   * this process, which putenv()s COLLECT_GCC_OPTIONS and friends from the
   * background thread while other threads may call getenv(): a data race
   * in glibc that crashed a test once. The external driver
   * (x86_64-linux-gnu-gcc-12) changes the environment only in its own
   * process; it costs one more exec per compile. */
  gcc_jit_context_set_bool_use_external_driver(ctxt, 1);
  return ctxt;
}

/* ---- availability probe ------------------------------------------------ */

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool probe_ok;
static char probe_reason[320];

static bool on_path(const char *prog) {
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  char dir[512];
  while (*path) {
    size_t len = strcspn(path, ":");
    if (len && len < sizeof dir - 64) {
      snprintf(dir, sizeof dir, "%.*s/%s", (int)len, path, prog);
      if (access(dir, X_OK) == 0) return true;
    }
    path += len + (path[len] == ':');
  }
  return false;
}

/* Compiles `int f(void) { return 42; }` once and runs it: libgccjit needs
 * the GCC driver, the assembler and the linker at run time, and a missing
 * one only shows when something is compiled. */
static void probe(void) {
  gcc_jit_context *ctxt = new_context(0);
  if (!ctxt) {
    snprintf(probe_reason, sizeof probe_reason, "libgccjit could not create a context");
    return;
  }
  gcc_jit_type *int_type = gcc_jit_context_get_type(ctxt, GCC_JIT_TYPE_INT);
  gcc_jit_function *f = gcc_jit_context_new_function(ctxt, NULL, GCC_JIT_FUNCTION_EXPORTED,
                                                     int_type, "vmir_gccjit_probe", 0, NULL, 0);
  gcc_jit_block_end_with_return(gcc_jit_function_new_block(f, NULL), NULL,
                                gcc_jit_context_new_rvalue_from_int(ctxt, int_type, 42));
  gcc_jit_result *result = gcc_jit_context_compile(ctxt);
  int (*code)(void) = result ? (int (*)(void))gcc_jit_result_get_code(result, "vmir_gccjit_probe")
                             : NULL;
  if (code && code() == 42) {
    probe_ok = true;
  } else {
    const char *first = gcc_jit_context_get_first_error(ctxt);
    const char *missing = !on_path("as") ? " (the assembler `as` is not on PATH)"
                          : !on_path("ld") ? " (the linker `ld` is not on PATH)"
                                           : "";
    snprintf(probe_reason, sizeof probe_reason,
             "libgccjit could not compile a trivial function%s: %.200s", missing,
             first ? first : "no error text (is the GCC 12 driver x86_64-linux-gnu-gcc-12 installed?)");
  }
  if (result) gcc_jit_result_release(result);
  gcc_jit_context_release(ctxt);
}

static bool available(const char **reason) {
  pthread_once(&probe_once, probe);
  if (reason) *reason = probe_ok ? NULL : probe_reason;
  return probe_ok;
}

/* ---- compile ----------------------------------------------------------- */

typedef struct gccjit_impl {
  gcc_jit_result *result;
} gccjit_impl;

/* The ELF size of the generated function (the loader's symbol table). */
static size_t function_size(void *addr) {
  Dl_info info;
  const ElfW(Sym) *sym = NULL;
  if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym) return 0;
  return sym->st_size;
}

static void release(vmir_jit_code *code) {
  if (!code) return;
  gccjit_impl *impl = code->impl;
  if (impl && impl->result) gcc_jit_result_release(impl->result);
  free(impl);
  free(code);
}

static vmir_status compile(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                           size_t why_cap) {
  const char *reason;
  if (!available(&reason)) {
    snprintf(why, why_cap, "%s", reason);
    return VMIR_E_UNSUPPORTED;
  }
  vmir_jit_code *code = vmir_jit_code_new(&vmir_gccjit_backend, req, sizeof(gccjit_impl), true);
  if (!code) {
    snprintf(why, why_cap, "out of memory");
    return VMIR_E_NOMEM;
  }
  gccjit_impl *impl = code->impl;

  int level = (req->options.flags & VMIR_JIT_FLAG_OPT_LOW) ? 0 : 2;
  gcc_jit_context *ctxt = new_context(level);
  if (!ctxt) {
    release(code);
    snprintf(why, why_cap, "libgccjit could not create a context");
    return VMIR_E_NOMEM;
  }
  vmir_status st = VMIR_OK;
  if (!vmir_gccjit_lower(ctxt, req, &code->assume, why, why_cap)) {
    st = VMIR_E_NOMEM;
  } else {
    impl->result = gcc_jit_context_compile(ctxt);
    void *entry = impl->result ? gcc_jit_result_get_code(impl->result, VMIR_GCCJIT_ENTRY_NAME)
                               : NULL;
    if (!entry) {
      const char *first = gcc_jit_context_get_first_error(ctxt);
      snprintf(why, why_cap, "libgccjit failed: %.200s", first ? first : "no error text");
      st = VMIR_E_UNSUPPORTED;
    } else {
      code->entry = (vmir_jit_entry_fn)entry;
      code->code_size = function_size(entry);
    }
  }
  gcc_jit_context_release(ctxt);
  if (st != VMIR_OK) {
    release(code);
    return st;
  }
  *out = code;
  return VMIR_OK;
}

/* Promotion defaults (docs/thresholds.md): the median over the 55
 * benchmark programs of the runs after which a compile has paid for
 * itself (O2 3372, O0 2660 in run 20261206T220043Z), to the nearest
 * power of two. The compile runs on the background thread, so a promotion never
 * delays a caller. */
const vmir_backend vmir_gccjit_backend = {
    .name = "gccjit",
    .default_threshold = {4096, 2048},
    .capabilities = VMIR_CAP_SINK_ANY | VMIR_CAP_HOST_PREDICATE,
    .available = available,
    .compile = compile,
    .release = release,
    .background_compile = true,
    .level_names = {"O2", "O0"},
};
