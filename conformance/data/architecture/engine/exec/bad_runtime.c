/* Fixture: the executor including the old tiering runtime. */
#include "runtime/tier.h"
