/* The code arena: reserved chunks, a first-fit list of free page runs, and
 * the two sealing strategies of code_arena.h. */

/* memfd_create, fallocate, MAP_ANONYMOUS and MAP_NORESERVE are Linux and
 * BSD extensions beyond POSIX 2008. */
#define _GNU_SOURCE
#include "code_arena.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010u /* Linux 6.3: executable memfd under vm.memfd_noexec */
#endif

/* Address space per chunk: room for hundreds of compiled corpus programs;
 * reserving costs nothing until pages are used. */
#define CHUNK_BYTES ((size_t)64 << 20)
#define MAX_CHUNKS 64
/* Freed code memory kept for reuse (no page faults, no new page-cache
 * pages); beyond this it is returned to the system. */
#define RESIDENT_CAP ((size_t)8 << 20)

typedef enum strategy { STRATEGY_NONE = 0, STRATEGY_MEMFD, STRATEGY_MPROTECT } strategy;

typedef struct chunk {
  uint8_t *base;
  size_t size;
  int fd;                 /* memfd, or -1 */
} chunk;

typedef struct run {
  uint8_t *base;
  size_t size;
  uint32_t chunk;
  bool mapped;            /* memfd: its code mapping is in place */
} run;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static strategy mode;
static chunk chunks[MAX_CHUNKS];
static uint32_t chunk_count;
static run *free_runs;    /* sorted by address; neighbours merged when alike */
static size_t free_len, free_cap;
static size_t resident_free, page_size;
/* One staging buffer kept between compiles (memfd): a fresh one per
 * compile would cost page faults on every large program. */
static uint8_t *spare;
static size_t spare_cap;

/* A staging buffer of at least n bytes; caller holds the lock. */
static uint8_t *stage_get(size_t n) {
  if (spare && spare_cap >= n) {
    uint8_t *b = spare;
    spare = NULL;
    return b;
  }
  return malloc(n);
}

/* Gives a staging buffer of n bytes back (kept when the slot is free). */
static void stage_put(uint8_t *b, size_t n) {
  pthread_mutex_lock(&lock);
  if (!spare || spare_cap < n) {
    free(spare);
    spare = b;
    spare_cap = n;
    b = NULL;
  }
  pthread_mutex_unlock(&lock);
  free(b);
}

static bool insert_run(run r) {
  size_t i = 0;
  while (i < free_len && free_runs[i].base < r.base) i++;
  run *prev = i > 0 ? &free_runs[i - 1] : NULL, *next = i < free_len ? &free_runs[i] : NULL;
  bool with_prev = prev && prev->chunk == r.chunk && prev->mapped == r.mapped &&
                   prev->base + prev->size == r.base;
  bool with_next = next && next->chunk == r.chunk && next->mapped == r.mapped &&
                   r.base + r.size == next->base;
  if (with_prev && with_next) {
    prev->size += r.size + next->size;
    memmove(next, next + 1, (free_len - i - 1) * sizeof *free_runs);
    free_len--;
    return true;
  }
  if (with_prev) {
    prev->size += r.size;
    return true;
  }
  if (with_next) {
    next->base = r.base;
    next->size += r.size;
    return true;
  }
  if (free_len == free_cap) {
    size_t cap = free_cap ? free_cap * 2 : 16;
    run *grown = realloc(free_runs, cap * sizeof *grown);
    if (!grown) return false;
    free_runs = grown;
    free_cap = cap;
  }
  memmove(&free_runs[i + 1], &free_runs[i], (free_len - i) * sizeof *free_runs);
  free_runs[i] = r;
  free_len++;
  return true;
}

static int new_memfd(void) {
  int fd = memfd_create("vmir-jit", MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create("vmir-jit", MFD_CLOEXEC); /* before 6.3 */
  return fd;
}

/* Maps a memfd chunk read+execute; NULL on failure (fd closed). */
static uint8_t *memfd_chunk(size_t size, int *fd_out) {
  int fd = new_memfd();
  if (fd < 0) return NULL;
  void *p = MAP_FAILED;
  if (ftruncate(fd, (off_t)size) == 0)
    p = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    close(fd);
    return NULL;
  }
  *fd_out = fd;
  return p;
}

/* Reserves another chunk of at least `need` bytes as one free run. The
 * first one decides the strategy: memfd when the kernel allows executable
 * memory files, else mprotect. VMIR_JIT_CODE_MEMORY=mprotect selects the
 * fallback (tests run the whole JIT suite on it). */
static bool reserve(size_t need) {
  if (chunk_count == MAX_CHUNKS) return false;
  if (mode == STRATEGY_NONE) {
    const char *want = getenv("VMIR_JIT_CODE_MEMORY");
    if (want && strcmp(want, "mprotect") == 0) mode = STRATEGY_MPROTECT;
  }
  size_t size = need > CHUNK_BYTES ? need : CHUNK_BYTES;
  uint8_t *base = NULL;
  int fd = -1;
  if (mode == STRATEGY_NONE || mode == STRATEGY_MEMFD) {
    base = memfd_chunk(size, &fd);
    if (!base && mode == STRATEGY_MEMFD) return false;
    mode = base ? STRATEGY_MEMFD : STRATEGY_MPROTECT;
  }
  if (mode == STRATEGY_MPROTECT) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) return false;
    base = p;
  }
  if (!insert_run((run){base, size, chunk_count, true})) {
    munmap(base, size);
    if (fd >= 0) close(fd);
    return false;
  }
  chunks[chunk_count++] = (chunk){base, size, fd};
  return true;
}

static bool take(size_t size, run *out) {
  for (size_t i = 0; i < free_len; i++) {
    run *r = &free_runs[i];
    if (r->size < size) continue;
    *out = (run){r->base, size, r->chunk, r->mapped};
    r->base += size;
    r->size -= size;
    if (r->size == 0) {
      memmove(r, r + 1, (free_len - i - 1) * sizeof *free_runs);
      free_len--;
    }
    return true;
  }
  return false;
}

static off_t offset_of(const chunk *c, const uint8_t *p) { return (off_t)(p - c->base); }

bool vmir_code_alloc(size_t size, vmir_code_block *out) {
  pthread_mutex_lock(&lock);
  if (!page_size) {
    long ps = sysconf(_SC_PAGESIZE);
    page_size = ps > 0 ? (size_t)ps : 4096;
  }
  bool ok = false;
  run piece;
  if (size == 0) size = 1;
  if (size <= SIZE_MAX - page_size) {
    size = (size + page_size - 1) / page_size * page_size;
    ok = take(size, &piece) || (reserve(size) && take(size, &piece));
  }
  if (ok && mode == STRATEGY_MEMFD) {
    const chunk *c = &chunks[piece.chunk];
    /* A run whose memory went back to the system gets its mapping again. */
    if (!piece.mapped)
      ok = mmap(piece.base, size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, c->fd,
                offset_of(c, piece.base)) != MAP_FAILED;
    if (ok) piece.mapped = true;
    uint8_t *stage = ok ? stage_get(size) : NULL;
    if (!stage) {
      insert_run(piece);
      ok = false;
    } else {
      *out = (vmir_code_block){piece.base, stage, size, piece.chunk};
    }
  } else if (ok) {
    /* mprotect: free pages are read+write, the code is written in place. */
    *out = (vmir_code_block){piece.base, piece.base, size, piece.chunk};
  }
  if (ok) {
    resident_free = resident_free > size ? resident_free - size : 0;
  }
  pthread_mutex_unlock(&lock);
  return ok;
}

/* Writes n bytes at offset `off` of the chunk's memory file. */
static bool write_all(int fd, const uint8_t *src, size_t n, off_t off) {
  while (n) {
    ssize_t w = pwrite(fd, src, n, off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    src += w;
    off += w;
    n -= (size_t)w;
  }
  return true;
}

bool vmir_code_seal(vmir_code_block *b) {
  /* x86-64 fetches instructions coherently with data writes, whichever
   * mapping they come through: no cache maintenance is needed. */
  if (b->write == b->base) {
    if (mprotect(b->base, b->size, PROT_READ | PROT_EXEC) != 0) return false;
  } else {
    const chunk *c = &chunks[b->chunk];
    if (!write_all(c->fd, b->write, b->size, offset_of(c, b->base))) return false;
    stage_put(b->write, b->size);
  }
  b->write = NULL;
  return true;
}

/* int3 bytes to overwrite freed code with. */
static uint8_t trap_page[4096];
static pthread_once_t trap_once = PTHREAD_ONCE_INIT;
static void fill_traps(void) { memset(trap_page, 0xcc, sizeof trap_page); }

void vmir_code_free(vmir_code_block *b) {
  if (!b->base) return;
  pthread_mutex_lock(&lock);
  bool keep = resident_free + b->size <= RESIDENT_CAP;
  if (keep) resident_free += b->size;
  const chunk *c = &chunks[b->chunk];
  strategy m = mode;
  pthread_mutex_unlock(&lock);

  run r = {b->base, b->size, b->chunk, true};
  bool ok = true;
  if (m == STRATEGY_MEMFD) {
    if (b->write) stage_put(b->write, b->size); /* never sealed */
    if (keep) {
      /* Stale pointers into the block now hit int3. */
      pthread_once(&trap_once, fill_traps);
      for (size_t at = 0; at < b->size && keep; at += sizeof trap_page) {
        size_t n = b->size - at < sizeof trap_page ? b->size - at : sizeof trap_page;
        keep = write_all(c->fd, trap_page, n, offset_of(c, b->base) + (off_t)at);
      }
    }
    if (!keep) {
      /* Beyond the resident cap: no access, memory back to the system. */
      ok = mmap(b->base, b->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                -1, 0) != MAP_FAILED;
      if (ok) fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset_of(c, b->base),
                        (off_t)b->size);
      r.mapped = false;
    }
  } else if (keep) {
    /* Read+write again, never executable: a stale pointer faults. */
    ok = mprotect(b->base, b->size, PROT_READ | PROT_WRITE) == 0;
  } else {
    ok = mmap(b->base, b->size, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) != MAP_FAILED;
  }
  pthread_mutex_lock(&lock);
  /* A block that could not be reset stays out of circulation. */
  if (ok) insert_run(r);
  pthread_mutex_unlock(&lock);
  b->base = NULL;
  b->write = NULL;
}

const char *vmir_code_strategy(void) {
  pthread_mutex_lock(&lock);
  strategy m = mode;
  pthread_mutex_unlock(&lock);
  return m == STRATEGY_MEMFD ? "memfd" : m == STRATEGY_MPROTECT ? "mprotect" : "none";
}
