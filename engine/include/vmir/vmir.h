/* vmir: serialization programs on one IR, run by an interpreter and JITs.
 * The umbrella header; include this one. */
#ifndef VMIR_VMIR_H
#define VMIR_VMIR_H

#include "vmir/error.h"
#include "vmir/shape.h"
#include "vmir/program.h"
#include "vmir/text.h"
#include "vmir/verify.h"
#include "vmir/sink.h"
#include "vmir/compile.h"
#include "vmir/exec.h"
#include "vmir/jit.h"

#endif
