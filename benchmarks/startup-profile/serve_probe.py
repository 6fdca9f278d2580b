#!/usr/bin/env python3
"""Spawns `agentexec serve` (optionally under a wrapper), times spawn -> first `initialize` result line, then makes N
`shell` calls (`echo hi`) and reports VmHWM/VmRSS/threads of the server process (found by name under the wrapper).

Usage: serve_probe.py AGENTEXEC [CALLS] [-- WRAPPER...]; a temporary HOME/XDG must already be in the environment.
"""
import json, os, subprocess, sys, time

exe = sys.argv[1]
calls = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "--" else 0
wrapper = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
extra = os.environ.get("SERVE_ARGS", "").split()
t0 = time.perf_counter()
p = subprocess.Popen(wrapper + [exe, "serve", *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdin.write((json.dumps(init) + "\n").encode()); p.stdin.flush()
line = p.stdout.readline()
t1 = time.perf_counter()
print(f"initialize_ms {1000 * (t1 - t0):.1f}")

def server_pid():
    if not wrapper:
        return p.pid
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if open(f"/proc/{pid}/comm").read().strip() == "agentexec" and os.path.realpath(f"/proc/{pid}/exe") == os.path.realpath(exe):
                    return int(pid)
            except OSError:
                pass

def status(pid):
    fields = {}
    for l in open(f"/proc/{pid}/status"):
        k, v = l.split(":", 1)
        fields[k] = v.strip()
    return f"VmHWM {fields['VmHWM']} VmRSS {fields['VmRSS']} Threads {fields['Threads']} RssAnon {fields.get('RssAnon')} RssFile {fields.get('RssFile')}"

pid = server_pid()
print("after_initialize", status(pid))
if calls:
    p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n'); p.stdin.flush()
    lat = []
    for i in range(calls):
        req = {"jsonrpc": "2.0", "id": 100 + i, "method": "tools/call", "params": {"name": "shell", "arguments": {"command": "echo hi"}}}
        s = time.perf_counter()
        p.stdin.write((json.dumps(req) + "\n").encode()); p.stdin.flush()
        while True:
            out = json.loads(p.stdout.readline())
            if out.get("id") == 100 + i:
                break
        lat.append(1000 * (time.perf_counter() - s))
        if i == 0:
            print("first_call", json.dumps(out)[:300])
    lat.sort()
    print(f"calls {calls} p50_ms {lat[len(lat) // 2]:.2f} p90_ms {lat[int(len(lat) * .9)]:.2f}")
    print("after_calls", status(pid))
    if os.environ.get("SMAPS"):
        os.system(f"cat /proc/{pid}/smaps_rollup; awk '/^[0-9a-f]/{{name=$6}} /^Rss:/{{r[name]+=$2}} END{{for(n in r) print r[n], n}}' /proc/{pid}/smaps | sort -rn | head -12")
p.stdin.close()
p.wait()
