#!/usr/bin/env python3
# Median wall time of a whole `shell` tools/call (`echo hello`) through `agentexec serve` over stdio, as a client sees
# it: request written, result read. Usage: benchmarks/mcp-call-latency.py AGENTEXEC [CALLS] [serve options...]
# The first 5 calls are warm-up. The workspace, state and config folders are fresh temporary directories.
import json, subprocess, sys, time, os, tempfile, statistics
exe = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
ws = tempfile.mkdtemp(prefix="agentexec-bench-")
env = dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp(), XDG_CONFIG_HOME=tempfile.mkdtemp())
p = subprocess.Popen([exe, "serve", "--workspace", ws] + sys.argv[3:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1)
def send(m): p.stdin.write(json.dumps(m) + "\n"); p.stdin.flush()
def recv(i):
    while True:
        m = json.loads(p.stdout.readline())
        if m.get("id") == i: return m
send({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}); recv(0)
send({"jsonrpc":"2.0","method":"notifications/initialized"})
times = []
for i in range(1, n + 6):
    t = time.perf_counter()
    send({"jsonrpc":"2.0","id":i,"method":"tools/call","params":{"name":"shell","arguments":{"command":"echo hello"}}})
    r = recv(i)
    if i > 5: times.append((time.perf_counter() - t) * 1000)
    sc = r["result"]["structuredContent"]
    assert sc["status"] == "completed" and sc["stdout"] == "hello\n", sc
print(f"backend={sc['sandbox_backend']} sandbox={sc['sandbox']} median={statistics.median(times):.1f} ms p90={sorted(times)[int(len(times)*0.9)]:.1f} ms n={len(times)}")
p.stdin.close(); p.wait()
