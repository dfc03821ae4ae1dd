/* The background compile thread: one worker, started on first use, that
 * compiles queued jobs in order with no lock held. For backends whose
 * compile takes milliseconds (vmir_backend.background_compile): runs of the
 * executable go on in the interpreter until the code is ready.
 * vmir_jit_shutdown stops it (queued jobs are dropped, a running one is
 * finished first). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "jit/jit_internal.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static vmir_compile_job *queue_head, *queue_tail;
static pthread_t worker;
static bool running, stopping;
static bool compiling; /* the worker holds a job taken off the queue */

static void *work_loop(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!queue_head && !stopping) pthread_cond_wait(&work, &lock);
    if (stopping) break;
    vmir_compile_job *job = queue_head;
    queue_head = job->next;
    if (!queue_head) queue_tail = NULL;
    compiling = true;
    pthread_mutex_unlock(&lock);
    vmir_tier_compile(job);
    vmir_tier_finish(job);
    pthread_mutex_lock(&lock);
    compiling = false;
    if (!queue_head) pthread_cond_broadcast(&idle);
  }
  compiling = false;
  pthread_cond_broadcast(&idle);
  pthread_mutex_unlock(&lock);
  return NULL;
}

bool vmir_background_submit(vmir_compile_job *job) {
  pthread_mutex_lock(&lock);
  if (!running) {
    stopping = false;
    running = pthread_create(&worker, NULL, work_loop, NULL) == 0;
  }
  if (running) {
    job->next = NULL;
    if (queue_tail) queue_tail->next = job;
    else queue_head = job;
    queue_tail = job;
    pthread_cond_signal(&work);
  }
  bool ok = running;
  pthread_mutex_unlock(&lock);
  return ok;
}

bool vmir_background_cancel(vmir_compile_job *job) {
  bool found = false;
  pthread_mutex_lock(&lock);
  vmir_compile_job *prev = NULL;
  for (vmir_compile_job *j = queue_head; j; prev = j, j = j->next) {
    if (j != job) continue;
    if (prev) prev->next = j->next;
    else queue_head = j->next;
    if (queue_tail == j) queue_tail = prev;
    found = true;
    break;
  }
  pthread_mutex_unlock(&lock);
  return found;
}

bool vmir_jit_wait_compiles(uint32_t timeout_ms) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&lock);
  int rc = 0;
  while (running && (queue_head || compiling) && rc == 0)
    rc = pthread_cond_timedwait(&idle, &lock, &deadline);
  bool done = !(running && (queue_head || compiling));
  pthread_mutex_unlock(&lock);
  return done;
}

void vmir_jit_shutdown(void) {
  pthread_mutex_lock(&lock);
  if (!running) {
    pthread_mutex_unlock(&lock);
    return;
  }
  stopping = true;
  vmir_compile_job *dropped = queue_head;
  queue_head = queue_tail = NULL;
  pthread_cond_broadcast(&work);
  pthread_mutex_unlock(&lock);
  pthread_join(worker, NULL);
  pthread_mutex_lock(&lock);
  running = false;
  pthread_mutex_unlock(&lock);
  /* Dropped jobs end as if they had failed for lack of time: their
   * executables go on in the interpreter and may compile again. */
  while (dropped) {
    vmir_compile_job *next = dropped->next;
    dropped->status = VMIR_E_UNSUPPORTED;
    vmir_tier_finish(dropped);
    dropped = next;
  }
}
