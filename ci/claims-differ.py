#!/usr/bin/env python3
"""ci/claims-differ.py RESULTS.json LABEL - the claims whose verdicts differ
between the columns of a side-by-side run (results.json's "kernels": run
--kernel, run --libc glibc,musl), one line each, then how many.  Used by
ci/kernel-matrix.sh and ci/libc-matrix.sh."""
import json
import sys

columns = json.load(open(sys.argv[1]))["kernels"]
label = sys.argv[2]
names = [c["name"] if c["name"] == c["libc"] else "%s (%s)" % (c["name"], c["libc"]) for c in columns]
differ = [row for row in zip(*[c["claims"] for c in columns]) if len({c["verdict"] for c in row}) > 1]
for row in differ:
    print("%s: claim %s (%s): %s" % (label, row[0]["id"], row[0]["scenario"],
                                     ", ".join("%s %s" % (n, c["verdict"]) for n, c in zip(names, row))))
print("%s: %d claim(s) whose verdict differs between %s" % (label, len(differ), " and ".join(names)))
