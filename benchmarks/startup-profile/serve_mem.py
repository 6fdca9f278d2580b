#!/usr/bin/env python3
"""Drives `agentexec serve` (EXE, default /tmp/prof/aot/agentexec) through initialize and N `shell` calls, then prints VmHWM/RssAnon and the largest anonymous mappings (needs smaps_anon.sh next to it)."""
import json,os,subprocess,sys
import os; exe=os.environ.get("EXE","/tmp/prof/aot/agentexec"); n=int(sys.argv[1]) if len(sys.argv)>1 else 100
p=subprocess.Popen([exe,"serve"],stdin=subprocess.PIPE,stdout=subprocess.PIPE,stderr=subprocess.DEVNULL)
def send(o): p.stdin.write((json.dumps(o)+"\n").encode()); p.stdin.flush()
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}); p.stdout.readline()
send({"jsonrpc":"2.0","method":"notifications/initialized"})
for i in range(n):
    send({"jsonrpc":"2.0","id":100+i,"method":"tools/call","params":{"name":"shell","arguments":{"command":"echo hi"}}})
    while json.loads(p.stdout.readline()).get("id")!=100+i: pass
os.system(f"grep -E 'VmHWM|RssAnon' /proc/{p.pid}/status | tr -s ' ' | tr '\\n' ' '; echo; sh " + os.path.join(os.path.dirname(os.path.abspath(__file__)), "smaps_anon.sh") + f" {p.pid} | head -6")
p.stdin.close(); p.wait()
