/* leaky.c - a program with two memory errors on purpose, for the memcheck
 * test (tests/test_valgrind.c, tests/valgrind/leaky.scn): it loses a 64-byte
 * block (memcheck: Leak_DefinitelyLost) and branches on an integer it never
 * initialised (memcheck: UninitCondition).  It exits 0, so the scenario
 * passes when it is not run under valgrind.  Built with -O0: the compiler
 * must not optimise either error away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *lose_a_block(void)
{
	char *block = malloc(64);
	if (block)
		memset(block, 'x', 64);
	return block; /* the caller drops it */
}

static int branch_on_garbage(void)
{
	int *flags = malloc(4 * sizeof(int));
	if (!flags)
		return 0;
	flags[0] = 1;
	int positive = 0;
	if (flags[3] > 0) /* flags[3] was never written */ /* NOLINT: on purpose */
		positive = 1;
	free(flags);
	return positive;
}

int main(void)
{
	char *block = lose_a_block();
	if (!block)
		return 2;
	block = NULL; /* the only pointer to it is gone */
	/* NOLINTNEXTLINE: the leak is the point */
	printf("leaky: flags[3] %s\n", branch_on_garbage() ? "positive" : "not positive");
	return 0;
}
