#!/usr/bin/env python3
"""tests/architecture/no_file_circles.py - no two files of the framework call
each other, even through others: the calls between its files (read from
their objects with nm: a file that needs a symbol another defines calls it)
form no circle.  A circle is printed with the symbols of each of its calls,
and the test fails.  CTest passes every stage's object files.

    python3 tests/architecture/no_file_circles.py build/CMakeFiles/stage_*.dir/framework/src/*/*.o
"""
import collections
import os
import subprocess
import sys


def file_of(obj):
    """framework/src/engine/run.c.o -> engine/run"""
    path = obj.replace(os.sep, "/")
    at = path.rfind("framework/src/")
    name = path[at + len("framework/src/"):] if at >= 0 else os.path.basename(path)
    for ext in (".o", ".obj", ".c"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    return name


def main(objects):
    if not objects:
        print("no_file_circles: no object file given (run me from CTest)", file=sys.stderr)
        return 2
    defined, needs = {}, collections.defaultdict(set)
    for obj in objects:
        name = file_of(obj)
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            part = line.split()
            if len(part) == 3 and part[1] in "TDBR":
                defined[part[2]] = name
            elif len(part) == 2 and part[0] == "U":
                needs[name].add(part[1])
    calls = collections.defaultdict(lambda: collections.defaultdict(set))
    for name, symbols in needs.items():
        for sym in symbols:
            if sym in defined and defined[sym] != name:
                calls[name][defined[sym]].add(sym)
    # Tarjan's strongly connected components, without recursion
    index, low, on, stack, circles, counter = {}, {}, set(), [], [], [0]
    for root in sorted(set(calls) | set(defined.values())):
        if root in index:
            continue
        work = [(root, iter(sorted(calls[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(calls[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    members.append(w)
                    if w == v:
                        break
                if len(members) > 1:
                    circles.append(sorted(members))
    for members in circles:
        print("no_file_circles: these files call each other:", ", ".join(members), file=sys.stderr)
        inside = set(members)
        for a in members:
            for b in sorted(calls[a]):
                if b in inside:
                    print("  %s -> %s: %s" % (a, b, " ".join(sorted(calls[a][b]))), file=sys.stderr)
    print("no_file_circles: %d files, %d circle(s)" % (len(set(defined.values()) | set(needs)), len(circles)))
    return 1 if circles else 0


if __name__ == "__main__":
    # CTest may pass a stage's objects as one argument joined by ';'
    sys.exit(main([o for arg in sys.argv[1:] for o in arg.split(";") if o]))
