/* Fixture: the JIT layer including a backend's file. */
#include "stencil/patch.h"
