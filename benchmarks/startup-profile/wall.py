#!/usr/bin/env python3
"""Median/min wall time of spawn -> exit for each command line given as a JSON list of argv lists; N runs each, interleaved.
Usage: wall.py N '[["agentexec","run","--","true"],["bash","-c","true"]]'"""
import json, statistics, subprocess, sys, time
n = int(sys.argv[1]); cmds = json.loads(sys.argv[2]); times = {i: [] for i in range(len(cmds))}
for _ in range(n):
    for i, argv in enumerate(cmds):
        s = time.perf_counter(); r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[i].append(1000 * (time.perf_counter() - s) if r.returncode == 0 else float("nan"))
for i, argv in enumerate(cmds):
    t = [x for x in times[i] if x == x]
    if not t: print(f"all runs failed: {' '.join(argv)[:90]}"); continue
    print(f"median {statistics.median(t):6.1f} ms  min {min(t):6.1f}  max {max(t):6.1f}  n={len(t)}  {' '.join(argv)[:90]}")
