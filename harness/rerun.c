/* rerun.c - `run --rerun-failed` (rerun.h): the scenarios of the last run's
 * results.json (docs/cli.md) whose outcome, in any repetition, was FAIL,
 * BROK or TIMEOUT.  A file that is not `"format": "shmlife-results"` is
 * refused rather than guessed at. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "rerun.h"

static int failed(const char *outcome)
{
	return outcome && (strcmp(outcome, "FAIL") == 0 || strcmp(outcome, "BROK") == 0 ||
			   strcmp(outcome, "TIMEOUT") == 0);
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static int add_name(struct rerun *r, const char *name)
{
	if (rerun_has(r, name))
		return 0;
	char *copy = strdup(name);
	char **grown = copy ? realloc(r->names, (size_t)(r->n + 1) * sizeof(*r->names)) : NULL;
	if (!grown) {
		free(copy);
		return -1;
	}
	r->names = grown;
	r->names[r->n++] = copy;
	return 0;
}

int rerun_load(const char *cmd, const char *report_dir, struct rerun *r)
{
	char path[4096];
	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/results.json", report_dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		int own = cli_errno_is_own(errno);
		fprintf(stderr, "shmlife %s: --rerun-failed: no earlier run to read: %s: %s\n", cmd, path,
			strerror(errno));
		return own ? -2 : -1;
	}
	fclose(f);
	json_object *root = json_object_from_file(path), *list;
	const char *format = root ? field(root, "format") : NULL;
	if (!format || strcmp(format, "shmlife-results") != 0 ||
	    !json_object_object_get_ex(root, "scenarios", &list) || !json_object_is_type(list, json_type_array)) {
		fprintf(stderr, "shmlife %s: --rerun-failed: %s is not the results.json of a shmlife run\n", cmd, path);
		json_object_put(root);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < json_object_array_length(list) && rc == 0; i++) {
		json_object *s = json_object_array_get_idx(list, i);
		const char *name = field(s, "name");
		if (name && failed(field(s, "outcome")) && add_name(r, name)) {
			fprintf(stderr, "shmlife %s: out of memory\n", cmd);
			rc = -2;
		}
	}
	json_object_put(root);
	if (rc)
		rerun_free(r);
	return rc;
}

int rerun_has(const struct rerun *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->names[i], name) == 0)
			return 1;
	return 0;
}

void rerun_free(struct rerun *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	memset(r, 0, sizeof(*r));
}
