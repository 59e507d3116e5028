#!/usr/bin/env bash
# tests/docs/results_schema.sh BUILD_DIR - results.json, as `run` writes it
# for passing, failing, skipped and repeated scenarios (summarised
# repetitions included), and as `merge` writes it, is valid against
# docs/results.schema.json (JSON Schema 2020-12, python3-jsonschema), which
# allows no field it does not list: a field added to the writer and not to
# the schema fails here.  CTest test docs/results_json_matches_its_schema.
set -euo pipefail
build=$1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin="$build/bin/shmlife"
tmp=$(mktemp -d /tmp/shmlife-schema-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 -c 'import jsonschema' 2>/dev/null ||
	{ echo "results schema: python3-jsonschema is not installed (ci/setup.sh installs it)" >&2; exit 1; }
status=0
"$bin" run -qq -j 2 --repeat 2 --report-dir "$tmp/run" --filter 'rmid-twice*' --filter wrong-death \
	--filter leaks-a-segment --filter 'claims-*' --filter 'key-maps-*' --filter 'inject-*' --filter 'program-output' --filter 'session-keys-foreground' scenarios tests/failing tests/data/claims >/dev/null || status=$?
[ "$status" -eq 1 ] || { echo "results schema: the run exited $status, not 1" >&2; exit 1; }
"$bin" run -qq --shard 1/2 --report-dir "$tmp/s1" --filter 'rmid-*' scenarios >/dev/null
"$bin" run -qq --shard 2/2 --report-dir "$tmp/s2" --filter 'rmid-*' scenarios >/dev/null
"$bin" merge -q --report-dir "$tmp/merged" "$tmp/s1/results.json" "$tmp/s2/results.json" >/dev/null
# not exec: the trap removes $tmp when python has said its word
python3 - docs/results.schema.json "$tmp/run/results.json" "$tmp/merged/results.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    doc = json.load(open(path))
    kinds = {e["obs_kind"] for s in doc["scenarios"] for e in s["trace"]}
    summarised = sum(1 for s in doc["scenarios"] if not s["detailed"])
    for e in v.iter_errors(doc):
        bad += 1
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
    print(f"{path}: {len(doc['scenarios'])} scenarios, {summarised} summarised, observations {sorted(kinds)}")
sys.exit(1 if bad else 0)
PY
