/* term.c - colour on the terminal (term.h): the --color option, NO_COLOR
 * (https://no-color.org: set and not empty means no colour unless asked by
 * an option), and the colours of the outcomes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "term.h"

int term_parse_color(const char *cmd, const char *text, enum term_color_mode *mode)
{
	if (strcmp(text, "auto") == 0)
		*mode = TERM_COLOR_AUTO;
	else if (strcmp(text, "always") == 0)
		*mode = TERM_COLOR_ALWAYS;
	else if (strcmp(text, "never") == 0)
		*mode = TERM_COLOR_NEVER;
	else {
		cli_usage_error(cmd, "--color wants auto, always or never, not '%s'", text);
		return -1;
	}
	return 0;
}

int term_wants_color(enum term_color_mode mode, FILE *out)
{
	if (mode != TERM_COLOR_AUTO)
		return mode == TERM_COLOR_ALWAYS;
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
	if (no_color && *no_color)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(out));
}

const char *term_outcome_on(int color, enum sl_outcome o)
{
	if (!color)
		return "";
	switch (o) {
	case SL_PASS: return "\033[32m";        /* green         */
	case SL_SKIP: return "\033[33m";        /* yellow        */
	case SL_FAIL: return "\033[1;31m";      /* bold red      */
	case SL_TIMEOUT: return "\033[1;35m";   /* bold magenta  */
	case SL_BROK: return "\033[1;41;37m";   /* white on red  */
	default: return "";
	}
}

const char *term_off(int color)
{
	return color ? "\033[0m" : "";
}
