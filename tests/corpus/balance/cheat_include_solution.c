/* expect: build=failed score=under-half */
/* expect-output: solutions/balance/balance.c */
/* Includes the reference solution through the compiler's working folder. */
#include "/proc/self/cwd/solutions/balance/balance.c"
