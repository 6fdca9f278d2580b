#!/usr/bin/env python3
"""Writes the method order the Native AOT compiler lays `agentexec`'s code out in (src/AgentExec.Cli/Native/method-order.txt).

Why: the kernel maps a file-backed page together with up to 15 cached neighbours ("fault-around", 64 KiB), and all of
them count in the process's RSS. With the compiler's default order the ~5,300 managed methods a session runs lie scattered
over 10 MB of code, so touching 1.6 MB of it made about 8 MB resident. Laid out one after another, hottest first, they
fill about 2 MB. The order only moves code: a method missing from the list (new since the list was made) is placed
after the listed ones, as before, so a stale list costs memory, never correctness.

How: runs a published binary under valgrind's callgrind (exact: every instruction executed, unlike sampling) through
the workloads below, maps each executed address to the symbol that holds it with `nm` on the binary's symbol file, and
lists the compiled managed methods (those in the `__managedcode` section) by instructions executed, most first.

Usage (one command after a publish; valgrind and binutils must be installed):

  dotnet publish src/AgentExec.Cli -c Release -r linux-x64 -o /tmp/order-aot
  python3 benchmarks/startup-profile/method-order.py /tmp/order-aot/agentexec \
      src/AgentExec.Cli/bin/Release/net10.0/linux-x64/native/agentexec.dbg > src/AgentExec.Cli/Native/method-order.txt

The workloads: `serve` answering `initialize` and 100 unsandboxed `echo hi` calls (what the end-to-end benchmark
measures), `serve` with its default sandbox (bubblewrap) for 10 calls, `run -- true` unsandboxed, under bubblewrap and
under Landlock (a PATH without bwrap; the launcher's re-execution is traced too), `check`, and `--version`.
"""
import bisect
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

if len(sys.argv) != 3:
    sys.exit(__doc__)
binary, symbol_file = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
for tool in ("valgrind", "nm", "readelf"):
    if shutil.which(tool) is None:
        sys.exit(f"method-order.py: {tool} is not installed")

work = tempfile.mkdtemp(prefix="agentexec-order-")
home, workspace, no_bwrap = (os.path.join(work, name) for name in ("home", "workspace", "bin"))
for folder in (home, workspace, no_bwrap):
    os.makedirs(folder)
for program in ("bash", "sh", "true", "echo", "ls"):
    found = shutil.which(program)
    if found:
        os.symlink(found, os.path.join(no_bwrap, program))
environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"}
callgrind = [shutil.which("valgrind"), "--tool=callgrind", "--dump-instr=yes", "--compress-strings=no", "--compress-pos=no",
             "--trace-children=yes", "--trace-children-skip=/usr/*,/bin/*",
             f"--callgrind-out-file={work}/callgrind.%p"]


def serve(arguments, calls):
    server = subprocess.Popen(callgrind + [binary, "serve", *arguments], cwd=workspace, env=environment,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def exchange(message):
        server.stdin.write((json.dumps(message) + "\n").encode())
        server.stdin.flush()
        if "id" not in message:
            return
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("method-order.py: the server ended early")
            if "id" in json.loads(line):
                return

    exchange({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "method-order", "version": "1"}}})
    exchange({"jsonrpc": "2.0", "method": "notifications/initialized"})
    for call in range(calls):
        exchange({"jsonrpc": "2.0", "id": call + 1, "method": "tools/call",
                  "params": {"name": "shell", "arguments": {"command": "echo hi"}}})
    server.stdin.close()
    server.wait()


def run(arguments, path=None):
    subprocess.run(callgrind + [binary, *arguments], cwd=workspace, env=dict(environment, PATH=path or environment["PATH"]),
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


serve(["--sandbox", "danger-full-access", "--approval-policy", "never"], 100)
serve([], 10)
run(["run", "--sandbox", "danger-full-access", "--", "true"])
run(["run", "--", "true"])
run(["run", "--", "true"], path=no_bwrap)
run(["check", "--", "ls", "-la"])
run(["--version"])

# The section that holds the compiled managed methods: only those can be ordered.
sections = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
match = re.search(r"__managedcode\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections)
if match is None:
    sys.exit("method-order.py: the binary has no __managedcode section")
code_start = int(match.group(1), 16)
code_end = code_start + int(match.group(2), 16)

symbols = []
for line in subprocess.run(["nm", "-n", symbol_file], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split(None, 2)
    if len(parts) == 3 and parts[1] in "tT":
        address = int(parts[0], 16)
        if code_start <= address < code_end:
            symbols.append((address, parts[2]))
addresses = [address for address, _ in symbols]

executed = collections.Counter()
for profile in glob.glob(os.path.join(work, "callgrind.*")):
    after_call = False
    for line in open(profile, errors="replace"):
        # The cost line after `calls=` is the callee's inclusive cost, not instructions run at that address.
        if line.startswith("calls="):
            after_call = True
            continue
        if after_call:
            after_call = False
            continue
        if line.startswith("0x"):
            fields = line.split()
            address = int(fields[0], 16)
            if code_start <= address < code_end and len(fields) > 2:
                index = bisect.bisect_right(addresses, address) - 1
                if index >= 0:
                    executed[symbols[index][1]] += int(fields[2])

if len(executed) < 1000:
    sys.exit(f"method-order.py: only {len(executed)} methods ran; did the workloads fail? ({work} kept)")
shutil.rmtree(work)
# The compiler takes each line as a method's symbol name; these two name none and are skipped.
print("# Generated by benchmarks/startup-profile/method-order.py: managed methods by instructions run, most first.")
print("# The Native AOT compiler lays them out in this order (IlcOrderFile); see that script for why and how.")
for name, _ in executed.most_common():
    print(name)
print(f"method-order.py: {len(executed)} methods", file=sys.stderr)
