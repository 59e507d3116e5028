#!/usr/bin/env bash
# tests/ci/workflow.sh - the GitHub workflow (.github/workflows/shmlife.yml),
# read as YAML: it asks for `checks: write` (the JUnit check runs fail on a
# read-only token without it), every JUnit-publishing step only annotates on
# a pull request from a fork (whose token is read-only whatever is asked),
# the catalog runs as a matrix of shards (SHMLIFE_SHARD=I/N, each keeping its
# results.json), and a job after them joins the shards with ci/merge.sh.
# CTest test ci/workflow_publishes_and_shards.  SHMLIFE_WORKFLOW=FILE checks
# another file (an older workflow fails it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec python3 - "${SHMLIFE_WORKFLOW:-.github/workflows/shmlife.yml}" <<'PY'
import sys, yaml

path = sys.argv[1]
wf = yaml.safe_load(open(path))
problems = []
perms = wf.get("permissions") or {}
if perms.get("checks") != "write":
    problems.append("no top-level permissions: checks: write")
if perms.get("contents") != "read":
    problems.append("permissions: contents should be read (least privilege)")
jobs = wf.get("jobs") or {}
for name, job in jobs.items():
    for step in job.get("steps") or []:
        if str(step.get("uses", "")).startswith("mikepenz/action-junit-report"):
            ao = str((step.get("with") or {}).get("annotate_only", ""))
            if "head.repo.fork" not in ao:
                problems.append(f"job {name}: step '{step.get('name')}' does not annotate only on forks")
sharded = [n for n, j in jobs.items()
           if "shard" in ((j.get("strategy") or {}).get("matrix") or {})
           and any("SHMLIFE_SHARD=${{ matrix.shard }}/" in str(s.get("run", "")) for s in j.get("steps") or [])]
if not sharded:
    problems.append("no job runs the catalog as a matrix of shards (SHMLIFE_SHARD=${{ matrix.shard }}/N)")
else:
    shards = jobs[sharded[0]]["strategy"]["matrix"]["shard"]
    runs = [str(s.get("run", "")) for s in jobs[sharded[0]]["steps"]]
    if not any(f"/{len(shards)} " in r for r in runs):
        problems.append(f"the matrix has {len(shards)} shards but the run says another N")
    if not any("results.json" in str((s.get("with") or {}).get("path", "")) for s in jobs[sharded[0]]["steps"]):
        problems.append("the shards do not keep their results.json")
merged = [n for n, j in jobs.items()
          if sharded and sharded[0] in ([j.get("needs")] if isinstance(j.get("needs"), str) else (j.get("needs") or []))
          and any("ci/merge.sh" in str(s.get("run", "")) for s in j.get("steps") or [])]
if not merged:
    problems.append("no job after the shards joins them with ci/merge.sh")
elif "always()" not in str(jobs[merged[0]].get("if", "")):
    problems.append(f"job {merged[0]} must run also when a shard failed (if: always())")
for p in problems:
    print(f"{path}: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
