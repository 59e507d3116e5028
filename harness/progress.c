/* progress.c - what a run is doing, on stderr: on a terminal one line
 * rewritten in place (`[12/48] running: double-rmid, daemon-hup`), cut to
 * the terminal's width; otherwise a plain line as each scenario ends
 * (`[12/48] PASS double-rmid (0.12 s)`). */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "progress.h"
#include "term.h"

int progress_init(struct progress *p, FILE *out, int quiet, const struct sl_report_item *items,
		  int total)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->quiet = quiet;
	p->tty = isatty(fileno(out));
	p->items = items;
	p->total = total;
	p->running = calloc((size_t)(total > 0 ? total : 1), sizeof(*p->running));
	return p->running ? 0 : -1;
}

void progress_style(struct progress *p, int color, int verbose)
{
	p->color = color;
	p->verbose = verbose;
}

static int columns(const struct progress *p)
{
	struct winsize ws;
	if (ioctl(fileno(p->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

static void item_name(const struct progress *p, int index, char *buf, size_t len)
{
	const struct sl_report_item *it = &p->items[index];
	if (it->repeat > 0)
		snprintf(buf, len, "%s#%d", it->scenario->name, it->repeat + 1);
	else
		snprintf(buf, len, "%s", it->scenario->name);
}

void progress_clear(struct progress *p)
{
	if (p->tty && p->shown) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->shown = 0;
	}
}

void progress_redraw(struct progress *p)
{
	char line[1024], name[256];
	int width = columns(p) - 1, used;

	if (p->quiet || !p->tty || p->nrunning == 0)
		return;
	if (width > (int)sizeof(line) - 4)
		width = (int)sizeof(line) - 4;  /* room for the ellipsis */
	used = snprintf(line, sizeof(line), "[%d/%d] running: ", p->done, p->total);
	for (int i = 0; i < p->nrunning && used < width; i++) {
		item_name(p, p->running[i], name, sizeof(name));
		used += snprintf(line + used, sizeof(line) - (size_t)used, "%s%s", i ? ", " : "", name);
	}
	if (used > width && width > 4) {
		/* cut, and say so with an ellipsis (3 bytes in UTF-8, one column) */
		memcpy(line + width - 1, "\xe2\x80\xa6", 4);
	}
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->shown = 1;
}

void progress_started(struct progress *p, int index)
{
	p->running[p->nrunning++] = index;
	progress_redraw(p);
}

void progress_finished(struct progress *p, int index)
{
	const struct sl_result *r = &p->items[index].result;
	char name[256];

	for (int i = 0; i < p->nrunning; i++)
		if (p->running[i] == index) {
			memmove(&p->running[i], &p->running[i + 1],
				(size_t)(p->nrunning - i - 1) * sizeof(*p->running));
			p->nrunning--;
			break;
		}
	p->done++;
	if (p->quiet)
		return;
	if (p->tty && !p->verbose) {
		progress_redraw(p);
		return;
	}
	progress_clear(p);
	item_name(p, index, name, sizeof(name));
	fprintf(p->out, "[%d/%d] %s%s%s %s (%.2f s)\n", p->done, p->total, term_outcome_on(p->color, r->outcome),
		sl_outcome_name(r->outcome), term_off(p->color), name, (double)r->duration_ns / 1e9);
	fflush(p->out);
	if (p->tty)
		progress_redraw(p);
}

void progress_end(struct progress *p)
{
	progress_clear(p);
	free(p->running);
	p->running = NULL;
}
