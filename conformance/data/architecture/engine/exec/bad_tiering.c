/* Fixture: the executor calling up into the tiering layer. */
#include "jit/tier.h"
