/* parse_lexer.h - internal: splitting one script line into tokens.
 *
 * The language is line-oriented, so the lexer works one line at a time.  A
 * token knows its 1-based column and whether whitespace came before it, which
 * the grammar uses: `a[3]` (index) against `a [claim c1]` (a clause), and
 * exec arguments that are runs of adjacent tokens, as in a shell.
 *
 * Words are runs of anything but whitespace and the punctuation below, so
 * paths (/dev/null), sysctl names (kernel.shmmni), sizes (4k), versions
 * (5.3), negative numbers (-1) and keys (^C) are single words.  `#` begins a
 * comment anywhere outside a string.
 */
#ifndef SHMLIFE_PARSE_LEXER_H
#define SHMLIFE_PARSE_LEXER_H

#include <stddef.h>

#define SLP_MAX_LINE 4096              /* characters in one line */

enum slp_tok {
	TK_WORD, TK_STRING,
	TK_ARROW,                      /* ->  */
	TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
	TK_COMMA, TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK,
	TK_PIPE, TK_PLUS, TK_COLON, TK_BANG,
	TK_EOL,                        /* always the last token of a line */
};

struct slp_token {
	enum slp_tok kind;
	int col;                       /* 1-based column of its first character */
	int len;                       /* characters it spans in the source */
	int spaced;                    /* whitespace or the line start before it */
	char *text;                    /* NUL-terminated word or decoded string */
	size_t slen;                   /* decoded length (a string may hold \0) */
};

struct slp_line {
	int lineno;
	const char *src;               /* the line as written, no newline */
	size_t srclen;
	struct slp_token *tok;         /* ntok tokens, the last one TK_EOL */
	int ntok;
	/* buffers, reused from line to line */
	int tok_cap;
	char *arena;
	size_t arena_cap;
};

struct slp_lex_error {
	int col;
	char msg[96];
};

/* Tokenizes src[0..len) as line `lineno`.  Returns 0, or -1 with *err set
 * (the first error of the line), or -2 when out of memory.  Tokens stay
 * valid until the next call or slp_line_free(). */
int slp_lex_line(struct slp_line *l, const char *src, size_t len, int lineno,
		 struct slp_lex_error *err);
void slp_line_free(struct slp_line *l);

/* How a token is named in a message: 'shmat', "...", '->', end of line. */
const char *slp_tok_kind_text(enum slp_tok k);

/* The value of a hex digit (0-9, a-f, A-F), or -1. */
int slp_hex_digit(unsigned char c);

#endif
