/* expect: exercise=balance score=at-most-tenth functional=failed */
/* Does nothing and returns at once: it must earn at most a tenth of balance's
 * points (the build's), whatever the sanitizers and rules find in it. */
#include "balance.h"
void balance_set(long value)
{
	(void)value;
}
long balance_get(void)
{
	return 0;
}
void balance_deposit(long amount)
{
	(void)amount;
}
void balance_withdraw(long amount)
{
	(void)amount;
}
bool balance_try_withdraw(long amount)
{
	(void)amount;
	return false;
}
