/* cmd_list.c - `shmlife list`: one scenario a line, in catalog order, as
 * aligned columns: name, tags (comma-separated, `-` if none), and the first
 * line of the description. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli_util.h"

#define CMD "list"

static void usage(FILE *out)
{
	fprintf(out, "Usage: shmlife list [--filter PATTERN]... [FILES|DIRS...]\n\n"
		     "Lists the scenarios (default: $SHMLIFE_CATALOG, else ./scenarios,\n"
		     "recursively): name, tags and description, one per line.\n\n"
		     "      --filter PATTERN  only those whose name or a tag matches the glob\n"
		     "  -h, --help            this text\n\n"
		     "Exit: 0; 2 a script error, or bad usage.\n");
}

static size_t tags_width(const struct sl_scenario *s)
{
	size_t w = 0;
	for (int i = 0; i < s->ntags; i++)
		w += strlen(s->tags[i]) + (i ? 1 : 0);
	return s->ntags ? w : 1;
}

static void print_tags(const struct sl_scenario *s, size_t width)
{
	size_t w = tags_width(s);
	if (!s->ntags)
		fputc('-', stdout);
	for (int i = 0; i < s->ntags; i++) {
		if (i)
			fputc(',', stdout);
		cli_put_one_line(stdout, s->tags[i]);
	}
	for (; w < width; w++)
		fputc(' ', stdout);
}

static void print_description(const struct sl_scenario *s)
{
	const char *d = s->description ? s->description : "";
	size_t n = strcspn(d, "\n");
	char *first = strndup(d, n);
	if (first) {
		cli_put_one_line(stdout, first);
		free(first);
	}
}

static void print_list(const struct catalog *cat, char *const *filters, int nfilters)
{
	size_t wname = 0, wtags = 0;

	for (int i = 0; i < cat->n; i++) {
		if (!catalog_matches(cat->v[i], filters, nfilters))
			continue;
		size_t w = strlen(cat->v[i]->name), t = tags_width(cat->v[i]);
		wname = w > wname ? w : wname;
		wtags = t > wtags ? t : wtags;
	}
	for (int i = 0; i < cat->n; i++) {
		const struct sl_scenario *s = cat->v[i];
		if (!catalog_matches(s, filters, nfilters))
			continue;
		cli_put_one_line(stdout, s->name);
		for (size_t w = strlen(s->name); w < wname + 2; w++)
			fputc(' ', stdout);
		print_tags(s, wtags + 2);
		print_description(s);
		fputc('\n', stdout);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **filters = calloc((size_t)argc, sizeof(*filters));
	struct catalog cat;
	int c, nfilters = 0;

	if (!filters) {
		fprintf(stderr, "shmlife list: out of memory\n");
		return EXIT_BROKEN;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'f') {
			filters[nfilters++] = optarg;
			continue;
		}
		free(filters);
		if (c == 'h') {
			usage(stdout);
			return EXIT_PASSED;
		}
		cli_usage_error(CMD, "unknown option or missing value: '%s'", argv[optind - 1]);
		return EXIT_USAGE;
	}
	int loaded = catalog_load(CMD, argv + optind, argc - optind, &cat);
	if (loaded) {
		free(filters);
		return loaded == -2 ? EXIT_BROKEN : EXIT_USAGE;
	}
	print_list(&cat, filters, nfilters);
	catalog_free(&cat);
	free(filters);
	return EXIT_PASSED;
}
