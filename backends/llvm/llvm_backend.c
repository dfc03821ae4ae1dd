/* The LLVM backend object (jit/backend.h): ORC LLJIT through LLVM-C.
 *
 * Two LLJIT instances, one per level, share one thread-safe context (as
 * PostgreSQL's llvmjit does): `fast` (VMIR_JIT_FLAG_OPT_LOW: mem2reg only,
 * codegen level none, the wrappers called out of line) and `opt` (the
 * kernel bitcode linked in and inlined, then the O2 pipeline, codegen
 * level default). Every compile, lookup and release holds one mutex:
 * an LLVMContext is not thread-safe, and compiles come from the callers'
 * threads as well as the background thread.
 *
 * Memory over long runs: one resource tracker per module, removed when the
 * code object dies; dead symbol-string-pool entries are cleared after each
 * release; after VMIR_LLVM_CONTEXT_MODULES modules the context (types and
 * constants accumulate in it) and both LLJITs are recreated the next time
 * no code from them is live.
 *
 * W^X: LLJIT links through JITLink's in-process memory manager, which
 * writes code into read+write pages and then makes them read+execute;
 * no page is ever both (checked by conformance/jit_backend.c). So does
 * RuntimeDyld's section memory manager, used instead when profiling
 * (perf_profiling).
 * t[impl format.exec.jit-optional] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/ExecutionEngine.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/OrcEE.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "jit/plan.h"
#include "llvm_inline.h"
#include "llvm_kernels.h"
#include "llvm_lower.h"

extern const vmir_backend vmir_llvm_backend;

/* PostgreSQL recreates its context every 100 modules. */
#define VMIR_LLVM_CONTEXT_MODULES 100

enum { LEVEL_FAST = 0, LEVEL_OPT = 1, LEVEL_COUNT };

typedef struct llvm_jit {
  LLVMOrcLLJITRef jit;
  LLVMTargetMachineRef tm;          /* for the IR passes */
} llvm_jit;

static struct {
  pthread_mutex_t lock;
  bool ready;                       /* tsc and jits exist */
  LLVMOrcThreadSafeContextRef tsc;
  llvm_jit jits[LEVEL_COUNT];
  vmir_llvm_inline *inl;            /* the parsed kernel bitcode (opt), or NULL */
  uint64_t modules;                 /* created in this context */
  uint64_t live;                    /* of them, not yet released */
  uint64_t serial;                  /* unique function names */
  size_t text_bytes;                /* .text of the object last linked */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef struct llvm_impl {
  LLVMOrcResourceTrackerRef tracker;
  int level;
} llvm_impl;

static void error_text(LLVMErrorRef e, char *why, size_t cap, const char *what) {
  char *msg = LLVMGetErrorMessage(e);
  snprintf(why, cap, "%s: %.200s", what, msg);
  LLVMDisposeErrorMessage(msg);
}

/* The size of the object's code sections: what `vmir stats` calls code
 * bytes (the object as linked, before relocation). */
static LLVMErrorRef measure_object(void *ctx, LLVMMemoryBufferRef *obj) {
  (void)ctx;
  char *msg = NULL;
  LLVMBinaryRef bin = LLVMCreateBinary(*obj, NULL, &msg);
  if (!bin) {
    LLVMDisposeMessage(msg);
    return NULL;
  }
  size_t text = 0;
  LLVMSectionIteratorRef it = LLVMObjectFileCopySectionIterator(bin);
  for (; it && !LLVMObjectFileIsSectionIteratorAtEnd(bin, it); LLVMMoveToNextSection(it)) {
    const char *name = LLVMGetSectionName(it);
    /* .text, and .ltext under the JIT's large code model */
    if (name && (strncmp(name, ".text", 5) == 0 || strncmp(name, ".ltext", 6) == 0))
      text += LLVMGetSectionSize(it);
  }
  if (it) LLVMDisposeSectionIterator(it);
  LLVMDisposeBinary(bin);
  g.text_bytes = text;
  return NULL;
}

/* Every wrapper and helper as an absolute symbol; the C library through
 * the process's own symbols. */
static LLVMErrorRef define_symbols(LLVMOrcLLJITRef jit) {
  LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(jit);
  LLVMOrcCSymbolMapPair *pairs = calloc(vmir_llvm_symbol_count, sizeof *pairs);
  if (!pairs) return LLVMCreateStringError("out of memory");
  for (size_t i = 0; i < vmir_llvm_symbol_count; i++) {
    pairs[i].Name = LLVMOrcLLJITMangleAndIntern(jit, vmir_llvm_symbols[i].name);
    pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)vmir_llvm_symbols[i].addr;
    pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
                                      LLVMJITSymbolGenericFlagsCallable;
  }
  LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, vmir_llvm_symbol_count);
  free(pairs);
  LLVMErrorRef e = LLVMOrcJITDylibDefine(jd, mu);
  if (e) return e;
  LLVMOrcDefinitionGeneratorRef gen;
  e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(jit),
                                                           NULL, NULL);
  if (e) return e;
  LLVMOrcJITDylibAddGenerator(jd, gen);
  return NULL;
}

static LLVMTargetMachineRef host_machine(LLVMCodeGenOptLevel level, char *why, size_t cap) {
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *msg = NULL;
  LLVMTargetMachineRef tm = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
    snprintf(why, cap, "LLVM has no target for %s: %.200s", triple, msg ? msg : "");
    LLVMDisposeMessage(msg);
  } else {
    char *cpu = LLVMGetHostCPUName();
    char *features = LLVMGetHostCPUFeatures();
    tm = LLVMCreateTargetMachine(target, triple, cpu, features, level, LLVMRelocDefault,
                                 LLVMCodeModelJITDefault);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    if (!tm) snprintf(why, cap, "LLVM could not create a target machine for %s", triple);
  }
  LLVMDisposeMessage(triple);
  return tm;
}

/* Profiling generated code (VMIR_JIT_LLVM_PERF=1, read when the LLJITs
 * are made): objects are linked by RuntimeDyld, whose section memory
 * manager also never leaves a page writable and executable, with LLVM's
 * perf listener, which writes a jitdump file (JITDUMPDIR, else
 * $HOME/.debug/jit) that `perf inject --jit` turns into symbols: one per
 * proc function. Off by default: JITLink is LLVM's maintained linker. */
static bool perf_profiling(void) {
  const char *v = getenv("VMIR_JIT_LLVM_PERF");
  return v && strcmp(v, "1") == 0;
}

static LLVMOrcObjectLayerRef perf_object_layer(void *ctx, LLVMOrcExecutionSessionRef es,
                                               const char *triple) {
  (void)ctx;
  (void)triple;
  LLVMOrcObjectLayerRef layer = LLVMOrcCreateRTDyldObjectLinkingLayerWithSectionMemoryManager(es);
  LLVMJITEventListenerRef perf = LLVMCreatePerfJITEventListener();
  if (layer && perf) LLVMOrcRTDyldObjectLinkingLayerRegisterJITEventListener(layer, perf);
  return layer;
}

static bool make_jit(llvm_jit *j, LLVMCodeGenOptLevel level, char *why, size_t cap) {
  LLVMTargetMachineRef jit_tm = host_machine(level, why, cap);
  if (!jit_tm) return false;
  j->tm = host_machine(level, why, cap);
  if (!j->tm) {
    LLVMDisposeTargetMachine(jit_tm);
    return false;
  }
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
      builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jit_tm));
  if (perf_profiling()) LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(builder, perf_object_layer, NULL);
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&j->jit, builder);
  if (!e) e = define_symbols(j->jit);
  if (e) {
    error_text(e, why, cap, "LLVM could not create an LLJIT");
    if (j->jit) LLVMOrcDisposeLLJIT(j->jit);
    j->jit = NULL;
    LLVMDisposeTargetMachine(j->tm);
    j->tm = NULL;
    return false;
  }
  LLVMOrcObjectTransformLayerSetTransform(LLVMOrcLLJITGetObjTransformLayer(j->jit),
                                          measure_object, NULL);
  return true;
}

static void drop_all(void) {
  for (int i = 0; i < LEVEL_COUNT; i++) {
    if (g.jits[i].jit) {
      LLVMErrorRef e = LLVMOrcDisposeLLJIT(g.jits[i].jit);
      if (e) LLVMConsumeError(e);
    }
    if (g.jits[i].tm) LLVMDisposeTargetMachine(g.jits[i].tm);
    g.jits[i] = (llvm_jit){0};
  }
  vmir_llvm_inline_free(g.inl);
  g.inl = NULL;
  if (g.tsc) LLVMOrcDisposeThreadSafeContext(g.tsc);
  g.tsc = NULL;
  g.ready = false;
  g.modules = 0;
}

/* Creates the context and both LLJITs (lock held). */
static bool make_all(char *why, size_t cap) {
  g.tsc = LLVMOrcCreateNewThreadSafeContext();
  if (!g.tsc || !make_jit(&g.jits[LEVEL_FAST], LLVMCodeGenLevelNone, why, cap) ||
      !make_jit(&g.jits[LEVEL_OPT], LLVMCodeGenLevelDefault, why, cap)) {
    drop_all();
    return false;
  }
  g.ready = true;
  g.modules = 0;
  return true;
}

/* ---- availability probe ------------------------------------------------ */

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool probe_ok;
static char probe_reason[320];

/* Adds `int NAME(void) { return 42; }` in a fresh module to jit and
 * returns its address, or 0 (why filled). Lock held. */
static LLVMOrcExecutorAddress compile_trivial(llvm_jit *j, const char *name, char *why,
                                              size_t cap) {
  LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(g.tsc);
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("vmir_llvm_probe", ctx);
  LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
  LLVMValueRef f = LLVMAddFunction(mod, name, LLVMFunctionType(i32, NULL, 0, 0));
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
  LLVMBuildRet(b, LLVMConstInt(i32, 42, 0));
  LLVMDisposeBuilder(b);
  LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(j->jit);
  LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
  LLVMErrorRef e =
      LLVMOrcLLJITAddLLVMIRModuleWithRT(j->jit, rt, LLVMOrcCreateNewThreadSafeModule(mod, g.tsc));
  LLVMOrcExecutorAddress addr = 0;
  if (!e) e = LLVMOrcLLJITLookup(j->jit, &addr, name);
  if (e) {
    error_text(e, why, cap, "LLVM could not compile a trivial function");
    addr = 0;
  }
  int (*fn)(void) = (int (*)(void))(uintptr_t)addr;
  if (fn && fn() != 42) {
    snprintf(why, cap, "LLVM compiled a trivial function that returned the wrong value");
    addr = 0;
  }
  e = LLVMOrcResourceTrackerRemove(rt);
  if (e) LLVMConsumeError(e);
  LLVMOrcReleaseResourceTracker(rt);
  return addr;
}

static void probe(void) {
  if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter()) {
    snprintf(probe_reason, sizeof probe_reason, "LLVM has no native target for this host");
    return;
  }
  pthread_mutex_lock(&g.lock);
  if (make_all(probe_reason, sizeof probe_reason)) {
    probe_ok = compile_trivial(&g.jits[LEVEL_FAST], "vmir_llvm_probe_fast", probe_reason,
                               sizeof probe_reason) &&
               compile_trivial(&g.jits[LEVEL_OPT], "vmir_llvm_probe_opt", probe_reason,
                               sizeof probe_reason);
    /* The opt level's kernel bitcode, checked now (llvm_inline.c): a
     * bitcode generated code could not link says so here, not as a
     * compile failure of every program later. */
    if (probe_ok) {
      g.inl = vmir_llvm_inline_load(LLVMOrcThreadSafeContextGetContext(g.tsc), probe_reason,
                                    sizeof probe_reason);
      probe_ok = g.inl != NULL;
    }
  }
  pthread_mutex_unlock(&g.lock);
}

static bool available(const char **reason) {
  pthread_once(&probe_once, probe);
  if (reason) *reason = probe_ok ? NULL : probe_reason;
  return probe_ok;
}

/* ---- compile ----------------------------------------------------------- */

static void release(vmir_jit_code *code) {
  if (!code) return;
  llvm_impl *impl = code->impl;
  if (impl && impl->tracker) {
    pthread_mutex_lock(&g.lock);
    LLVMErrorRef e = LLVMOrcResourceTrackerRemove(impl->tracker);
    if (e) LLVMConsumeError(e);
    LLVMOrcReleaseResourceTracker(impl->tracker);
    LLVMOrcSymbolStringPoolClearDeadEntries(LLVMOrcExecutionSessionGetSymbolStringPool(
        LLVMOrcLLJITGetExecutionSession(g.jits[impl->level].jit)));
    g.live--;
    pthread_mutex_unlock(&g.lock);
  }
  free(impl);
  free(code);
}

/* The IR passes of each level: fast keeps the code as lowered (mem2reg
 * only); opt first runs a cheap pre-pass that inlines the kernels and drops
 * what is unused (so O2 works on the program alone), then O2. */
static LLVMErrorRef run_passes(LLVMModuleRef mod, int level) {
  LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e;
  if (level == LEVEL_FAST) {
    e = LLVMRunPasses(mod, "mem2reg", g.jits[level].tm, opts);
  } else {
    e = LLVMRunPasses(mod,
                      "always-inline,globaldce,function(sroa,early-cse<memssa>,simplifycfg,"
                      "instcombine),globaldce",
                      g.jits[level].tm, opts);
    if (!e) e = LLVMRunPasses(mod, "default<O2>", g.jits[level].tm, opts);
  }
  LLVMDisposePassBuilderOptions(opts);
  return e;
}

/* Builds, optimises and links the program's module (lock held). */
static vmir_status compile_locked(const vmir_jit_request *req, vmir_jit_code *code, int level,
                                  char *why, size_t why_cap) {
  llvm_impl *impl = code->impl;
  if (g.ready && g.modules >= VMIR_LLVM_CONTEXT_MODULES && g.live == 0) drop_all();
  if (!g.ready && !make_all(why, why_cap)) return VMIR_E_UNSUPPORTED;
  llvm_jit *j = &g.jits[level];
  LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(g.tsc);
  char name[64];
  snprintf(name, sizeof name, "vmir_llvm_program_%llu", (unsigned long long)++g.serial);
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext(name, ctx);
  LLVMSetTarget(mod, LLVMOrcLLJITGetTripleString(j->jit));
  LLVMSetDataLayout(mod, LLVMOrcLLJITGetDataLayoutStr(j->jit));
  g.modules++;
  if (!vmir_llvm_lower(mod, name, req, &code->assume, why, why_cap)) {
    LLVMDisposeModule(mod);
    return VMIR_E_NOMEM;
  }
  if (level == LEVEL_OPT) {
    if (!g.inl) g.inl = vmir_llvm_inline_load(ctx, why, why_cap);
    if (!g.inl || !vmir_llvm_inline_link(g.inl, mod, why, why_cap)) {
      LLVMDisposeModule(mod);
      return VMIR_E_UNSUPPORTED;
    }
  }
  LLVMErrorRef e = run_passes(mod, level);
  if (e) {
    error_text(e, why, why_cap, "LLVM passes failed");
    LLVMDisposeModule(mod);
    return VMIR_E_UNSUPPORTED;
  }
  impl->tracker = LLVMOrcJITDylibCreateResourceTracker(LLVMOrcLLJITGetMainJITDylib(j->jit));
  impl->level = level;
  g.live++;
  g.text_bytes = 0;
  LLVMOrcExecutorAddress addr = 0;
  e = LLVMOrcLLJITAddLLVMIRModuleWithRT(j->jit, impl->tracker,
                                        LLVMOrcCreateNewThreadSafeModule(mod, g.tsc));
  if (!e) e = LLVMOrcLLJITLookup(j->jit, &addr, name);
  if (e || !addr) {
    if (e) error_text(e, why, why_cap, "LLVM could not compile the program");
    else snprintf(why, why_cap, "LLVM compiled no entry function");
    return VMIR_E_UNSUPPORTED;      /* the caller releases the tracker */
  }
  code->entry = (vmir_jit_entry_fn)(uintptr_t)addr;
  code->code_size = g.text_bytes;
  return VMIR_OK;
}

static vmir_status compile(const vmir_jit_request *req, vmir_jit_code **out, char *why,
                           size_t why_cap) {
  const char *reason;
  if (!available(&reason)) {
    snprintf(why, why_cap, "%s", reason);
    return VMIR_E_UNSUPPORTED;
  }
  vmir_jit_code *code = vmir_jit_code_new(&vmir_llvm_backend, req, sizeof(llvm_impl), false);
  if (!code) {
    snprintf(why, why_cap, "out of memory");
    return VMIR_E_NOMEM;
  }

  int level = (req->options.flags & VMIR_JIT_FLAG_OPT_LOW) ? LEVEL_FAST : LEVEL_OPT;
  pthread_mutex_lock(&g.lock);
  vmir_status st = compile_locked(req, code, level, why, why_cap);
  pthread_mutex_unlock(&g.lock);
  if (st != VMIR_OK) {
    release(code);
    return st;
  }
  *out = code;
  return VMIR_OK;
}

/* Promotion defaults (docs/thresholds.md): the median over the 55
 * benchmark programs of the runs after which a compile has paid for
 * itself (opt 1714, fast 195 in run 20261206T220043Z), to the
 * nearest power of two. The compile runs on the background thread, so a promotion never
 * delays a caller. */
const vmir_backend vmir_llvm_backend = {
    .name = "llvm",
    .default_threshold = {2048, 256},
    /* Sinks are called through sink->ops (no sink capability, so no sink
     * guard); host predicates behind the host-hook guard. */
    .capabilities = VMIR_CAP_HOST_PREDICATE,
    .available = available,
    .compile = compile,
    .release = release,
    .background_compile = true,
    .level_names = {"opt", "fast"},
};
