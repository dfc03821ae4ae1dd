/* Fixture for the architecture checks: a format module that reaches into
 * the build state and reads values by itself. Never compiled. */
#include "exec/decode_state.h"
#include "exec/value_access.h"
