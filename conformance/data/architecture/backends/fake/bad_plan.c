/* Fixture: a backend reading a flag the layer's plan decides. */
int generic_only(unsigned flags) { return flags & VMIR_JIT_FLAG_GENERIC_ONLY; }
