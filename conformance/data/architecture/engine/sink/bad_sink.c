/* Fixture: a sink module including the executor's internals. Never compiled. */
#include "exec/vm_state.h"
