#!/usr/bin/env python3
"""For perf samples whose stack has a frame matching REGEX, counts the frames DEPTH levels inside it (its callees).
Usage: perf script -F comm,ip,sym | under.py REGEX RUNS [DEPTH] [HZ]"""
import re, sys, collections
rx = re.compile(sys.argv[1]); runs = int(sys.argv[2]); depth = int(sys.argv[3]) if len(sys.argv) > 3 else 1
hz = float(sys.argv[4]) if len(sys.argv) > 4 else 20000
c = collections.Counter(); total = 0
for block in sys.stdin.read().split("\n\n"):
    lines = [l for l in block.split("\n") if l.strip()]
    frames = [re.sub(r"\+0x[0-9a-f]+.*$", "", (l.strip().split(None, 1) + [""])[1]) for l in lines[1:]]
    idx = [i for i, f in enumerate(frames) if rx.search(f)]
    if not idx: continue
    i = idx[-1]; total += 1
    c[" <- ".join(frames[max(0, i - depth):i][::-1][:depth]) or "(self)"] += 1
ms = lambda n: n / runs / hz * 1000
print(f"{ms(total):.2f} ms/run under {sys.argv[1]}")
for k, v in c.most_common(15): print(f"  {ms(v):6.2f}  {k[:220]}")
