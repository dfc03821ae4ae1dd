/* The jit suite's tests of compiling off the lock (jit_compiling.c). */
#ifndef VMIR_TEST_JIT_COMPILING_H
#define VMIR_TEST_JIT_COMPILING_H

#include <check.h>

TCase *jit_compiling_tcase(void);

#endif
