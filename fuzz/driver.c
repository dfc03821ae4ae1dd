/* Three mains from one source, chosen at compile time:
 *   VMIR_FUZZ_MAIN_AFL        AFL++ persistent mode, shared-memory test cases
 *   VMIR_FUZZ_MAIN_LIBFUZZER  LLVMFuzzerTestOneInput only (libFuzzer, or any
 *                             $LIB_FUZZING_ENGINE that supplies main)
 *   neither                   replay: runs every file named on the command
 *                             line, and every file inside a named folder
 * Each test case is copied into a buffer of exactly its size, so sanitizers
 * see reads past its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void run_copy(const uint8_t *data, size_t size) {
  uint8_t *copy = malloc(size ? size : 1);
  if (!copy) abort();
  if (size) memcpy(copy, data, size);
  vmir_fuzz_one(copy, size);
  free(copy);
}

#if defined(VMIR_FUZZ_MAIN_LIBFUZZER)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  vmir_fuzz_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_copy(data, size);
  return 0;
}

#elif defined(VMIR_FUZZ_MAIN_AFL)

#include <unistd.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

__AFL_FUZZ_INIT();

int main(void) {
  vmir_fuzz_init();
#ifdef __AFL_HAVE_MANUAL_CONTROL
  __AFL_INIT();
#endif
#ifdef __linux__
  /* From here on this is the forkserver's child. afl-fuzz ends the
   * forkserver when it stops, but a persistent child left stopped (the
   * CmpLog one) would stay behind as an orphan: die with the parent. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
  while (__AFL_LOOP(20000)) {
    size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
    run_copy(buf, len);
  }
  return 0;
}

#else /* replay */

#include <dirent.h>
#include <sys/stat.h>

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 1;
  }
  uint8_t *data = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *grown = realloc(data, cap);
      if (!grown) abort();
      data = grown;
    }
    size_t got = fread(data + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    return 1;
  }
  if (getenv("VMIR_FUZZ_VERBOSE")) fprintf(stderr, "replay: %s\n", path);
  run_copy(data, len);
  free(data);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in `dir` (not recursive), in name order. */
static int replay_dir(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open folder %s\n", dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) abort();
      names = grown;
    }
    size_t need = strlen(dir) + strlen(e->d_name) + 2;
    names[n] = malloc(need);
    if (!names[n]) abort();
    snprintf(names[n], need, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      failed |= replay_file(names[i]);
      (*count)++;
    }
    free(names[i]);
  }
  free(names);
  return failed;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|FOLDER...\n"
                    "Runs the harness on every file (a missing folder is skipped).\n",
            argv[0]);
    return 2;
  }
  size_t count = 0;
  int failed = 0;
  fz_replay = true;
  vmir_fuzz_init();
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s is absent; skipped\n", argv[i]);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      failed |= replay_dir(argv[i], &count);
    } else {
      failed |= replay_file(argv[i]);
      count++;
    }
  }
  printf("replayed %zu inputs%s\n", count, failed ? " (some could not be read)" : "");
  return failed;
}

#endif
