/* placeholder: being written */
#include "harness.h"
int main(void) { return 0; }
