/* parse_number.c - the words of numbers in scripts: decimal, 0x hex, 0
 * octal, 4k sizes, and what is wrong with one that is not; below the values
 * (parse_value.c) and the names (parse_refs.c), which both read numbers. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_diag.h"
#include "parse_internal.h"

/* ---- numbers ------------------------------------------------------------ */

int slp_is_number_word(const char *w)
{
	return isdigit((unsigned char)w[0]) || (w[0] == '-' && isdigit((unsigned char)w[1]));
}

/* Digits of `base` from s to the end: the magnitude, or -1 bad / -2 range. */
static int digits(const char *s, unsigned base, unsigned long long *out)
{
	unsigned long long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)slp_hex_digit((unsigned char)*s); /* -1: past every base */
		if (d >= base)
			return -1;
		if (v > (ULLONG_MAX - d) / base)
			return -2;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int slp_number_u(const char *w, int *neg, unsigned long long *mag, int *decimal)
{
	const char *s = w;
	*neg = 0;
	*decimal = 0;
	if (*s == '-') {
		*neg = 1;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return digits(s + 2, 16, mag);
	if (s[0] == '0' && s[1])
		return digits(s + 1, 8, mag);
	size_t n = strspn(s, "0123456789");
	unsigned long long mul = 1;
	switch (s[n]) {
	case '\0': *decimal = 1; break;
	case 'k': case 'K': mul = 1ULL << 10; break;
	case 'm': case 'M': mul = 1ULL << 20; break;
	case 'g': case 'G': mul = 1ULL << 30; break;
	default: return -1;
	}
	if (s[n] && s[n + 1])
		return -1;
	char buf[32];
	if (n >= sizeof(buf))
		return -2;
	memcpy(buf, s, n);
	buf[n] = '\0';
	int rc = digits(buf, 10, mag);
	if (rc)
		return rc;
	if (*mag > ULLONG_MAX / mul)
		return -2;
	*mag *= mul;
	return 0;
}

int slp_number(const char *w, long long *out, int *decimal)
{
	int neg;
	unsigned long long mag;
	int rc = slp_number_u(w, &neg, &mag, decimal);
	if (rc)
		return rc;
	if (!neg) {
		if (mag > (unsigned long long)LLONG_MAX)
			return -2;
		*out = (long long)mag;
	} else {
		if (mag > (unsigned long long)LLONG_MAX + 1)
			return -2;
		*out = mag == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)mag;
	}
	return 0;
}

void slp_report_number(struct slp_parser *p, const struct slp_token *t, int rc)
{
	char show[SLP_SHOW];
	slp_tok_show(t, show, sizeof(show));
	const char *s = t->text + (t->text[0] == '-');
	if (rc == -2)
		slp_report(p, t->col, "number out of range: %s", show);
	else if (s[0] == '0' && s[1] && strspn(s, "0123456789") == strlen(s))
		slp_report(p, t->col, "bad number %s (a leading 0 means octal)", show);
	else
		slp_report(p, t->col, "bad number %s", show);
}

/* "a size" -> "size", for "unknown size 'x'". */
const char *slp_strip_article(const char *what)
{
	if (strncmp(what, "a ", 2) == 0)
		return what + 2;
	if (strncmp(what, "an ", 3) == 0)
		return what + 3;
	return what;
}
