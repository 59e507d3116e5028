/* parse_lexer.c - tokens of one script line: words, strings, punctuation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_lexer.h"

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_control(unsigned char c)
{
	return (c < 0x20 && !is_blank(c)) || c == 0x7f;
}

static int is_punct(unsigned char c)
{
	return c != '\0' && strchr("=!<>,()[]|+:\"#", c) != NULL;
}

int slp_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int set_error(struct slp_lex_error *err, int col, const char *msg)
{
	err->col = col;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static int ensure_buffers(struct slp_line *l, size_t len)
{
	size_t ntok = len + 1, arena = 2 * len + 2;
	if ((size_t)l->tok_cap < ntok) {
		struct slp_token *nt = realloc(l->tok, ntok * sizeof(*nt));
		if (!nt)
			return -1;
		l->tok = nt;
		l->tok_cap = (int)ntok;
	}
	if (l->arena_cap < arena) {
		char *na = realloc(l->arena, arena);
		if (!na)
			return -1;
		l->arena = na;
		l->arena_cap = arena;
	}
	return 0;
}

/* Decodes the string starting at the quote src[*i]; *i ends after the
 * closing quote.  The decoded bytes go to out (NUL-terminated). */
static int lex_string(const char *src, size_t len, size_t *i, char *out, size_t *outlen,
		      struct slp_lex_error *err)
{
	size_t start = *i, j = *i + 1, n = 0;
	while (j < len && src[j] != '"') {
		unsigned char c = (unsigned char)src[j];
		if (is_control(c) && c != '\t') {
			char m[64];
			snprintf(m, sizeof(m), "unexpected control character 0x%02x", c);
			return set_error(err, (int)j + 1, m);
		}
		if (c != '\\') {
			out[n++] = (char)c;
			j++;
			continue;
		}
		if (j + 1 >= len)
			break; /* a backslash at the end: the string is unterminated */
		unsigned char e = (unsigned char)src[j + 1];
		switch (e) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case '0': out[n++] = '\0'; break;
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'x': {
			int h = j + 2 < len ? slp_hex_digit((unsigned char)src[j + 2]) : -1;
			int l2 = j + 3 < len ? slp_hex_digit((unsigned char)src[j + 3]) : -1;
			if (h < 0 || l2 < 0)
				return set_error(err, (int)j + 1, "'\\x' needs two hex digits");
			out[n++] = (char)(h * 16 + l2);
			j += 2;
			break;
		}
		default: {
			char m[64];
			if (e >= 0x20 && e < 0x7f)
				snprintf(m, sizeof(m), "unknown escape '\\%c' in a string", e);
			else
				snprintf(m, sizeof(m), "unknown escape in a string");
			return set_error(err, (int)j + 1, m);
		}
		}
		j += 2;
	}
	if (j >= len)
		return set_error(err, (int)start + 1, "unterminated string");
	out[n] = '\0';
	*outlen = n;
	*i = j + 1;
	return 0;
}

/* The punctuation token at src[i], and its length. */
static enum slp_tok lex_punct(const char *src, size_t len, size_t i, int *plen)
{
	char c = src[i], next = i + 1 < len ? src[i + 1] : '\0';
	*plen = 1;
	switch (c) {
	case '=': return TK_EQ;
	case ',': return TK_COMMA;
	case '(': return TK_LPAREN;
	case ')': return TK_RPAREN;
	case '[': return TK_LBRACK;
	case ']': return TK_RBRACK;
	case '|': return TK_PIPE;
	case '+': return TK_PLUS;
	case ':': return TK_COLON;
	case '!':
		if (next == '=') { *plen = 2; return TK_NE; }
		return TK_BANG;
	case '<':
		if (next == '=') { *plen = 2; return TK_LE; }
		return TK_LT;
	default: /* '>' */
		if (next == '=') { *plen = 2; return TK_GE; }
		return TK_GT;
	}
}

int slp_lex_line(struct slp_line *l, const char *src, size_t len, int lineno,
		 struct slp_lex_error *err)
{
	l->lineno = lineno;
	l->src = src;
	l->srclen = len;
	l->ntok = 0;
	if (len > SLP_MAX_LINE) {
		char m[96];
		snprintf(m, sizeof(m), "line is longer than %d characters", SLP_MAX_LINE);
		return set_error(err, SLP_MAX_LINE + 1, m);
	}
	if (ensure_buffers(l, len))
		return -2;
	size_t i = 0, a = 0;
	int spaced = 1;
	while (i < len) {
		unsigned char c = (unsigned char)src[i];
		if (is_blank(c)) {
			spaced = 1;
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (is_control(c)) {
			char m[64];
			snprintf(m, sizeof(m), "unexpected control character 0x%02x", c);
			return set_error(err, (int)i + 1, m);
		}
		struct slp_token *t = &l->tok[l->ntok];
		t->col = (int)i + 1;
		t->spaced = spaced;
		t->text = l->arena + a;
		size_t start = i;
		if (c == '"') {
			t->kind = TK_STRING;
			if (lex_string(src, len, &i, t->text, &t->slen, err))
				return -1;
			a += t->slen + 1;
		} else if (c == '-' && i + 1 < len && src[i + 1] == '>') {
			t->kind = TK_ARROW;
			i += 2;
		} else if (is_punct(c)) {
			int plen;
			t->kind = lex_punct(src, len, i, &plen);
			i += (size_t)plen;
		} else {
			t->kind = TK_WORD;
			while (i < len) {
				unsigned char w = (unsigned char)src[i];
				if (is_blank(w) || is_punct(w) || is_control(w))
					break;
				if (w == '-' && i + 1 < len && src[i + 1] == '>')
					break;
				i++;
			}
		}
		t->len = (int)(i - start);
		if (t->kind != TK_STRING) {
			memcpy(t->text, src + start, (size_t)t->len);
			t->text[t->len] = '\0';
			t->slen = (size_t)t->len;
			a += (size_t)t->len + 1;
		}
		l->ntok++;
		spaced = 0;
	}
	struct slp_token *eol = &l->tok[l->ntok++];
	eol->kind = TK_EOL;
	eol->col = (int)i + 1;
	eol->len = 0;
	eol->spaced = 1;
	eol->text = l->arena + a;
	eol->text[0] = '\0';
	eol->slen = 0;
	return 0;
}

void slp_line_free(struct slp_line *l)
{
	free(l->tok);
	free(l->arena);
	memset(l, 0, sizeof(*l));
}

const char *slp_tok_kind_text(enum slp_tok k)
{
	switch (k) {
	case TK_WORD: return "a word";
	case TK_STRING: return "a string";
	case TK_ARROW: return "'->'";
	case TK_EQ: return "'='";
	case TK_NE: return "'!='";
	case TK_LT: return "'<'";
	case TK_LE: return "'<='";
	case TK_GT: return "'>'";
	case TK_GE: return "'>='";
	case TK_COMMA: return "','";
	case TK_LPAREN: return "'('";
	case TK_RPAREN: return "')'";
	case TK_LBRACK: return "'['";
	case TK_RBRACK: return "']'";
	case TK_PIPE: return "'|'";
	case TK_PLUS: return "'+'";
	case TK_COLON: return "':'";
	case TK_BANG: return "'!'";
	case TK_EOL: return "the end of the line";
	}
	return "?";
}
