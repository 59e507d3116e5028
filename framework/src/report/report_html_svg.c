/* report_html_svg.c - the sequence diagram of one scenario, as inline SVG
 * for the HTML report (report_html.h).
 *
 * Lanes, left to right: the kernel and the conductor, then one per actor
 * (forked actors from the row of their fork on, an X where an actor died).
 * A row per step of the trace: an actor's call is an arrow from its lane to
 * the kernel's, the step's text on it and the kernel's answer under it; a
 * conductor step (expect, sysctl, wait, ...) sits on the kernel's lane with
 * its result.  Notes of the harness that did not pass (leaks, memcheck
 * findings) are bands across the diagram, and the verdict is the last row.  On the right,
 * the state of the step's segment (key, nattch, dest) is written on the rows
 * where it changes, the changed fields in bold, beside a bar that is green
 * while the segment exists, orange once it is marked for destruction.
 * Failing rows are red.  Every text is escaped; the full text of a cut label
 * is in its <title>.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "report_common.h"
#include "report_html_internal.h"

#define GUTTER     64    /* step number and script line                 */
#define HEAD       48    /* lane names                                  */
#define ROW_H      38
#define STATE_W    250   /* the segment's state                         */
#define CHAR_W     6.7   /* 11px monospace                              */
#define MIN_LANE   150
#define MAX_LANE   230

struct layout {
	const struct sl_scenario *s;
	const struct sl_result *r;
	int id;                          /* the item's index: unique ids      */
	int nlanes;                      /* kernel + actors                   */
	int lane_w;
	int state_x, width, height;
	int *row_of;                     /* trace index -> row, -1: not drawn */
	int nrows;
	int *born, *died;                /* per actor: first and last row     */
};

static int lane_x(const struct layout *L, int actor)
{
	int lane = actor >= 0 && actor < L->nlanes - 1 ? actor + 1 : 0;
	return GUTTER + lane * L->lane_w + L->lane_w / 2;
}

static int row_y(int row)
{
	return HEAD + row * ROW_H;
}

/* Steps, the verdict, and the notes that did not pass (a leaked segment, a
 * memcheck finding, a truncated memcheck file); not memcheck's summary,
 * which the verdict already says. */
static int is_drawn(const struct sl_trace_entry *e)
{
	if (e->kind == SL_ENTRY_STEP || e->kind == SL_ENTRY_END)
		return 1;
	return e->verdict != SL_PASS && !rh_is_memcheck_summary(e);
}

/* The actor whose life the entry's step ended, or -1: the actor of a step
 * it died in or exited by, the target of a successful `kill ... SIGKILL`,
 * the actor a `wait` waited for. */
static int ended_actor(const struct sl_scenario *s, const struct sl_trace_entry *e)
{
	const struct sl_step *st = rc_entry_step(s, e);
	if (e->kind != SL_ENTRY_STEP || !st)
		return -1;
	if (e->actor >= 0 && (e->signal || (e->exited && st->op != SL_OP_EXEC)))
		return e->actor;
	if (st->op == SL_OP_KILL && !e->err && st->nargs > 1 && st->args[0].kind == SL_VAL_ACTOR &&
	    st->args[1].kind == SL_VAL_NUM && st->args[1].num == SIGKILL)
		return st->args[0].actor;
	if (st->op == SL_OP_WAIT && e->verdict == SL_PASS && st->args[0].kind == SL_VAL_ACTOR)
		return st->args[0].actor;
	return -1;
}

/* Rows, and the rows each actor is born and dies in. */
static int plan(struct layout *L)
{
	const struct sl_scenario *s = L->s;
	int nactors = s ? s->nactors : 0;
	L->row_of = calloc((size_t)L->r->ntrace + 1, sizeof(int));
	L->born = calloc((size_t)nactors + 1, sizeof(int));
	L->died = calloc((size_t)nactors + 1, sizeof(int));
	if (!L->row_of || !L->born || !L->died)
		return -1;
	for (int a = 0; a < nactors; a++) {
		L->born[a] = s->actors[a].spawned ? -1 : 0;
		L->died[a] = -1;
	}
	for (int i = 0; i < L->r->ntrace; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(L->r, i, &e_copy);
		L->row_of[i] = is_drawn(e) ? L->nrows++ : -1;
		const struct sl_step *st = rc_entry_step(s, e);
		if (L->row_of[i] < 0 || !st)
			continue;
		if ((st->op == SL_OP_FORK || st->op == SL_OP_FIND) && st->new_actor >= 0 && st->new_actor < nactors &&
		    L->born[st->new_actor] < 0 && !e->err)
			L->born[st->new_actor] = L->row_of[i];
		if (e->actor >= 0 && e->actor < nactors && L->born[e->actor] < 0)
			L->born[e->actor] = L->row_of[i];
		int ended = ended_actor(s, e);
		if (ended >= 0 && ended < nactors && L->died[ended] < 0)
			L->died[ended] = L->row_of[i];
	}
	L->nlanes = nactors + 1;
	L->lane_w = 760 / L->nlanes;
	if (L->lane_w < MIN_LANE)
		L->lane_w = MIN_LANE;
	if (L->lane_w > MAX_LANE)
		L->lane_w = MAX_LANE;
	L->state_x = GUTTER + L->nlanes * L->lane_w + 8;
	L->width = L->state_x + STATE_W;
	L->height = row_y(L->nrows) + 16;
	return 0;
}

/* ---- texts -------------------------------------------------------------- */

/* The step's text without its leading "actor" or "actor:" (the lane says
 * who). */
static const char *label_of(const struct sl_scenario *s, const struct sl_step *st, int actor)
{
	const char *t = rc_step_text(st);
	const char *name = actor >= 0 ? rc_actor_name(s, actor) : NULL;
	size_t n = name ? strlen(name) : 0;
	if (n && strncmp(t, name, n) == 0 && (t[n] == ':' || t[n] == ' ')) {
		t += n + (t[n] == ':');
		while (*t == ' ')
			t++;
	}
	return t;
}

static int fits(int pixels)
{
	int n = (int)(pixels / CHAR_W);
	return n < 8 ? 8 : n;
}

/* The kernel's answer, short: "= 32769", "-1 EINVAL", "killed by SIGKILL". */
static void answer_text(const struct sl_step *st, const struct sl_trace_entry *e, char *buf, size_t len)
{
	char name[32];
	if (e->signal)
		snprintf(buf, len, "killed by %s", rc_signal_name(e->signal, name, sizeof(name)));
	else if (e->exited)
		snprintf(buf, len, "exited %d", e->exit_status);
	else if (e->err)
		snprintf(buf, len, "-1 %s", rc_errno_name(e->err, name, sizeof(name)));
	else if (st && st->op == SL_OP_SHMAT)
		snprintf(buf, len, "= 0x%llx", (unsigned long long)e->ret);
	else if (st && st->op == SL_OP_UMASK)
		snprintf(buf, len, "= 0%03llo", (unsigned long long)e->ret);
	else
		snprintf(buf, len, "= %lld", e->ret);
}

/* A <text> with a <title> holding the whole string when it had to be cut. */
static void text_el(FILE *out, int x, int y, const char *cls, const char *anchor, const char *s,
		    int max_chars)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\"", x, y, cls);
	if (anchor)
		fprintf(out, " text-anchor=\"%s\"", anchor);
	fputs(">", out);
	if (strlen(s) > (size_t)max_chars) {
		fputs("<title>", out);
		rh_text(out, s);
		fputs("</title>", out);
	}
	rh_text_cut(out, s, (size_t)max_chars);
	fputs("</text>\n", out);
}

/* A step's label, to be drawn in max_chars characters: its blanks collapsed
 * (scripts align their columns), then, if still too long, its head cut and
 * its tail kept whole from the first of `->`, `inject`, `fails`, `dies`,
 * `exits`, `returns` and `=`: the name bound, an injected fault and the
 * expected outcome are never hidden, even when that takes more room than
 * max_chars. */
static void step_label(FILE *out, int x, int y, const char *anchor, const char *text, int max_chars)
{
	static const char *const keep[] = { " -> ", " inject ", " fails", " dies", " exits ", " returns ", " = " };
	char *flat = malloc(strlen(text) + 2);
	if (!flat)
		return;
	size_t n = 0;
	for (const char *c = text; *c; c++) {
		int blank = *c == ' ' || *c == '\t';
		if (!blank || (n > 0 && flat[n - 1] != ' '))
			flat[n++] = blank ? ' ' : *c;
	}
	while (n > 0 && flat[n - 1] == ' ')
		n--;
	flat[n] = '\0';
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"label\"", x, y);
	if (anchor)
		fprintf(out, " text-anchor=\"%s\"", anchor);
	fputs(">", out);
	const char *tail = NULL;
	flat[n] = ' ';               /* so that " fails" at the very end is found too */
	flat[n + 1] = '\0';
	for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++) {
		const char *at = strstr(flat, keep[k]);
		if (at && (!tail || at < tail))
			tail = at;
	}
	flat[n] = '\0';
	if (strlen(flat) > (size_t)max_chars) {
		fputs("<title>", out);
		rh_text(out, text);
		fputs("</title>", out);
	}
	if (strlen(flat) <= (size_t)max_chars || !tail || tail == flat) {
		rh_text_cut(out, flat, (size_t)max_chars);
	} else {
		int room = max_chars - (int)strlen(tail);
		if (room < 8)
			room = 8;
		flat[tail - flat] = '\0';   /* tail[0] was the blank before it */
		rh_text_cut(out, flat, (size_t)room);
		fputs(" ", out);
		rh_text(out, tail + 1);
	}
	fputs("</text>\n", out);
	free(flat);
}

/* ---- pieces ------------------------------------------------------------- */

static void draw_defs(FILE *out, const struct layout *L)
{
	fprintf(out, "<defs><marker id=\"arrow-%d\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		     "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
		     "<path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>\n", L->id);
}

static void draw_lanes(FILE *out, const struct layout *L)
{
	int bottom = row_y(L->nrows);
	for (int lane = 0; lane < L->nlanes; lane++) {
		int actor = lane - 1;
		int x = lane_x(L, lane == 0 ? SL_CONDUCTOR : actor);
		const char *name = lane == 0 ? "kernel / conductor" : rc_actor_name(L->s, actor);
		int spawned = lane > 0 && L->s->actors[actor].spawned;
		int from = lane == 0 ? 0 : L->born[actor], to = lane == 0 ? -1 : L->died[actor];
		fprintf(out, "<g class=\"lane%s\" data-lane=\"%d\">", lane == 0 ? " kernel" : "", lane);
		fprintf(out, "<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"26\" rx=\"4\" class=\"lanehead%s\"/>",
			x - L->lane_w / 2 + 6, L->lane_w - 12, spawned ? " spawned" : "");
		text_el(out, x, 25, "lanename", "middle", name, fits(L->lane_w - 20));
		if (from >= 0) {
			int y1 = from == 0 ? HEAD - 10 : row_y(from) + 6;
			int y2 = to >= 0 ? row_y(to) + ROW_H / 2 : bottom;
			fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"lifeline\"/>", x, y1, x, y2);
			if (to >= 0)
				fprintf(out, "<path d=\"M%d,%d l10,10 M%d,%d l-10,10\" class=\"death\"/>", x - 5,
					y2 - 5, x + 5, y2 - 5);
		}
		fputs("</g>\n", out);
	}
	fprintf(out, "<text x=\"%d\" y=\"25\" class=\"lanename\">segment: key, nattch, dest</text>\n",
		L->state_x + 12);
}

static void draw_gutter(FILE *out, const struct layout *L, int row, const struct sl_trace_entry *e)
{
	const struct sl_step *st = rc_entry_step(L->s, e);
	int y = row_y(row);
	int ok = e->verdict == SL_PASS;
	if (e->kind == SL_ENTRY_STEP) {
		fprintf(out, "<text x=\"6\" y=\"%d\" class=\"gut\">#%d</text>", y + 15, e->step + 1);
		if (st)
			fprintf(out, "<text x=\"6\" y=\"%d\" class=\"gut\">L%d</text>", y + 30, st->line);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"mark %s\">%s</text>\n", GUTTER - 18, y + 24,
		ok ? "ok" : "bad", ok ? "&#10003;" : (e->verdict == SL_SKIP ? "&#8211;" : "&#10007;"));
	(void)L;
}

static void draw_actor_step(FILE *out, const struct layout *L, int row, const struct sl_trace_entry *e)
{
	const struct sl_step *st = rc_entry_step(L->s, e);
	int xa = lane_x(L, e->actor), xk = lane_x(L, SL_CONDUCTOR), y = row_y(row);
	char ans[300];
	answer_text(st, e, ans, sizeof(ans));
	if (e->verdict != SL_PASS && e->detail[0]) {
		size_t used = strlen(ans);
		snprintf(ans + used, sizeof(ans) - used, "  %s: %.*s", sl_outcome_name(e->verdict),
			 (int)sizeof(e->detail), e->detail);
	}
	fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" class=\"caller\"/>", xa, y + 20);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"call\" marker-end=\"url(#arrow-%d)\"/>\n",
		xa - 5, y + 20, xk + 3, y + 20, L->id);
	step_label(out, (xa + xk) / 2, y + 15, "middle", label_of(L->s, st, e->actor), fits(xa - xk - 10));
	text_el(out, xk + 8, y + 33, e->verdict == SL_PASS ? "answer" : "answer bad", NULL, ans,
		fits(L->state_x - xk - 16));
}

static void draw_conductor_step(FILE *out, const struct layout *L, int row, const struct sl_trace_entry *e)
{
	const struct sl_step *st = rc_entry_step(L->s, e);
	int xk = lane_x(L, SL_CONDUCTOR), y = row_y(row);
	char res[300];
	if (st && st->op == SL_OP_EXPECT)
		snprintf(res, sizeof(res), "%s%s%.*s", e->verdict == SL_PASS ? "holds" : sl_outcome_name(e->verdict),
			 e->detail[0] ? ": " : "", (int)sizeof(e->detail), e->detail);
	else {
		answer_text(st, e, res, sizeof(res));
		if (e->verdict != SL_PASS && e->detail[0]) {
			size_t used = strlen(res);
			snprintf(res + used, sizeof(res) - used, "  %s: %.*s", sl_outcome_name(e->verdict),
				 (int)sizeof(e->detail), e->detail);
		}
	}
	fprintf(out, "<path d=\"M%d,%d l6,6 l-6,6 l-6,-6 z\" class=\"check\"/>", xk, y + 6);
	step_label(out, xk + 12, y + 15, NULL, rc_step_text(st), fits(L->state_x - xk - 20));
	text_el(out, xk + 12, y + 33, e->verdict == SL_PASS ? "answer" : "answer bad", NULL, res,
		fits(L->state_x - xk - 20));
}

static void draw_note(FILE *out, const struct layout *L, int row, const struct sl_trace_entry *e)
{
	int y = row_y(row), x = GUTTER + 4, w = L->width - GUTTER - 12;
	char text[300];
	if (e->kind == SL_ENTRY_END)
		snprintf(text, sizeof(text), "verdict: %s%s%.*s", sl_outcome_name(e->verdict),
			 e->detail[0] ? ": " : "", (int)sizeof(e->detail), e->detail);
	else
		snprintf(text, sizeof(text), "%.*s", (int)sizeof(e->detail), e->detail);
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" class=\"note %s\"/>\n", x,
		y + 6, w, ROW_H - 10, rh_outcome_class(e->verdict));
	text_el(out, x + 8, y + 24, e->kind == SL_ENTRY_END ? "notetext end" : "notetext", NULL, text,
		fits(w - 16));
}

/* ---- the segment's state --------------------------------------------------- */

static int same_brief(const struct sl_segment_brief *a, const struct sl_segment_brief *b)
{
	return a->slot == b->slot && a->present == b->present && a->key == b->key &&
	       a->nattch == b->nattch && a->dest == b->dest && a->shmid == b->shmid;
}

static void field(FILE *out, int changed, const char *text)
{
	fprintf(out, "<tspan%s>", changed ? " class=\"chg\"" : "");
	rh_text(out, text);
	fputs("</tspan>", out);
}

static void draw_state(FILE *out, const struct layout *L, int row, const struct sl_segment_brief *b,
		       const struct sl_segment_brief *prev)
{
	int y = row_y(row), x = L->state_x;
	const char *slot = L->s && b->slot >= 0 && b->slot < L->s->nslots ? L->s->slots[b->slot] : "segment";
	int other = !prev || prev->slot != b->slot || prev->shmid != b->shmid;
	char buf[64];
	if (b->present)
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"6\" height=\"%d\" class=\"bar %s\"/>", x, y, ROW_H,
			b->dest ? "dest" : "live");
	if (prev && same_brief(b, prev))
		return;
	if (!b->present && (other || !prev->present))
		return; /* not created (yet): nothing to say */
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"state\">", x + 12, y + 24);
	field(out, other, slot);
	if (!b->present) {
		field(out, 1, ": gone");
		fputs("</text>\n", out);
		return;
	}
	snprintf(buf, sizeof(buf), " key 0x%08" PRIx32, (uint32_t)b->key);
	field(out, other || !prev->present || prev->key != b->key, buf);
	snprintf(buf, sizeof(buf), " nattch %" PRIu64, b->nattch);
	field(out, other || !prev->present || prev->nattch != b->nattch, buf);
	if (b->dest)
		field(out, other || !prev->dest, " dest");
	fputs("</text>\n", out);
}

/* ---- the diagram ---------------------------------------------------------- */

static void draw_rows(FILE *out, const struct layout *L)
{
	struct sl_segment_brief last; /* the brief of the last step drawn */
	const struct sl_segment_brief *prev = NULL;
	for (int i = 0; i < L->r->ntrace; i++) {
		struct sl_trace_entry e_copy;
		const struct sl_trace_entry *e = sl_result_entry(L->r, i, &e_copy);
		int row = L->row_of[i];
		if (row < 0)
			continue;
		int failing = e->verdict != SL_PASS && e->verdict != SL_SKIP;
		fprintf(out, "<g class=\"row %s%s\" data-row=\"%d\">", e->kind == SL_ENTRY_STEP ? "step" : "noterow",
			failing ? " fail" : "", row);
		if (failing)
			fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"failband\"/>",
				row_y(row), L->width, ROW_H);
		draw_gutter(out, L, row, e);
		if (e->kind != SL_ENTRY_STEP)
			draw_note(out, L, row, e);
		else if (e->actor >= 0 && L->s && e->actor < L->s->nactors)
			draw_actor_step(out, L, row, e);
		else
			draw_conductor_step(out, L, row, e);
		if (e->kind == SL_ENTRY_STEP && (e->brief.slot >= 0 || e->brief.present)) {
			draw_state(out, L, row, &e->brief, prev);
			last = e->brief;
			prev = &last;
		}
		fputs("</g>\n", out);
	}
}

void rh_sequence_svg(FILE *out, const struct sl_report_item *it, int index)
{
	struct layout L;
	memset(&L, 0, sizeof(L));
	L.s = it->scenario;
	L.r = &it->result;
	L.id = index;
	if (!L.s || plan(&L) < 0) {
		fputs("<p class=\"none\">No diagram: ", out);
		rh_text(out, L.s ? "out of memory" : "no scenario");
		fputs(".</p>\n", out);
		goto out;
	}
	if (L.nrows == 0) {
		fputs("<p class=\"none\">No diagram: the trace is empty.</p>\n", out);
		goto out;
	}
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"seq\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"sequence diagram of ", L.width, L.height,
		L.width, L.height);
	rh_text(out, L.s->name);
	fputs("\">\n", out);
	draw_defs(out, &L);
	draw_lanes(out, &L);
	draw_rows(out, &L);
	fputs("</svg>\n", out);
out:
	free(L.row_of);
	free(L.born);
	free(L.died);
}
