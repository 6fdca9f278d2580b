#!/usr/bin/env python3
# End-to-end benchmark: the real `agentexec serve` over stdio against OpenAI Codex's exec MCP server
# (`codex-exec-mcp-server`, npm @openai/codex-shell-tool-mcp 0.97.0), plus `agentexec run` against bare `bash -c true`
# and bare `bwrap … true`. Prints every figure with its ratio and goal, and writes a markdown table for the README.
#
# One command (build agentexec first; install the Codex server once):
#
#   dotnet publish src/AgentExec.Cli -c Release -r linux-x64 -o /tmp/e2e-aot
#   npm install --prefix /var/tmp/codex-mcp @openai/codex-shell-tool-mcp@0.97.0
#   python3 benchmarks/end-to-end.py --agentexec /tmp/e2e-aot/agentexec --codex /var/tmp/codex-mcp
#
# (`--install-codex DIR` makes the script run that npm install itself when the Codex server is missing. Without a Codex
# server the agentexec-only figures are still measured and the Codex columns say "not measured".) It prints the table
# and writes it, with the machine facts and every round's values, to benchmarks/results/end-to-end.md (--markdown).
# Exit code 0 when every figure was measured (MISS is a result, not a failure), 3 when a server or process died,
# answered wrongly or did not answer within --timeout. A benchmark, not a test: run it by hand on a quiet machine.
#
# Why Python and not a C# project: no build step and no runtime of its own to warm up, so the client adds the same
# small, constant cost to both servers; both servers are driven by the very same code below (raw JSON-RPC lines over
# stdio, no MCP SDK), and processes are started with posix_spawn and reaped through a pidfd, so the timed section holds
# nothing but the work being measured.
#
# Method: each variant has its own HOME, XDG_* folders and workspace, kept for the whole run as a user's home and
# project are (agentexec's audit log exists and its remembered bubblewrap trial applies after the first start; one
# untimed start of every variant comes before the rounds), and a minimal environment (PATH, LANG). Variants are interleaved (A, B, C, then B, C, A, …) so that drift of this machine hits all
# alike. Per round: --spawns spawn→initialize measurements per server; one server of each kind answering --warmup +
# --calls `echo hi` calls, alternating between the servers call by call (p50 over the timed calls; peak RSS = VmHWM
# read after the 100th call); --runs process runs per `run` variant. Each figure is reported as the median over rounds
# with the min–max of the round values, and the ratio is the median of the per-round ratios (both sides measured in the
# same round), so a slow round does not bias it. One more unsandboxed agentexec server keeps its audit log on tmpfs
# (/dev/shm), where an fsync costs nothing: an informational row, what the log's durability adds on this machine.
#
# The Codex server: its npm launcher (bin/mcp-server.js) is a node wrapper that picks the native musl binary for the
# platform and a patched Bash for the distribution and runs `codex-exec-mcp-server --execve codex-execve-wrapper
# --bash BASH`. This script runs that native binary directly, with the same arguments (node's own start-up would
# otherwise be counted against Codex); the node launcher's start-up is shown as an extra, informational row. Before
# calling `shell` it sends the *request* `codex/sandbox-state/update` with
# {"sandboxPolicy":{"type":"danger-full-access"},"sandboxCwd":WORKSPACE} (without it the server falls back to a
# read-only policy that needs a codex-linux-sandbox executable it does not have), then calls `shell` with
# {"command":"echo hi","workdir":WORKSPACE,"login":false} (bash -c, like agentexec; the default would be bash -lc).
import argparse
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PROTOCOL_VERSION = "2025-11-25"
CODEX_PACKAGE = "@openai/codex-shell-tool-mcp@0.97.0"
FIXED_BWRAP_ARGV = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                    "--unshare-all", "--die-with-parent", "--new-session", "true"]
RSS_AFTER_CALLS = 100

# Everything this script started and has not reaped yet: killed (whole process group) on any exit.
LIVE_PIDS = set()


class BenchmarkError(Exception):
    """A server or process misbehaved (died, timed out, answered wrongly); the message says which and how."""


def kill_live_children():
    for pid in list(LIVE_PIDS):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
        LIVE_PIDS.discard(pid)


def run_captured(argv, env, cwd, timeout):
    """Runs argv in its own process group with stdout/stderr captured; the whole group is killed on timeout."""
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    LIVE_PIDS.add(proc.pid)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"`{' '.join(argv)}` did not finish within {timeout} s")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        LIVE_PIDS.discard(proc.pid)
    return proc.returncode, stdout, stderr


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Fresh per-process folders and a minimal environment.

class Scratch:
    """One top-level temporary folder for the whole run; each variant (key) gets its own HOME, XDG folders and
    workspace, the same every time it is asked for; without a key, new ones."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="agentexec-e2e-")
        self.count = 0
        self.kept = {}
        self.others = []

    def also_remove(self, path):
        """A folder outside the root (on another file system) that goes when the root does."""
        self.others.append(path)

    def fresh(self, key=None):
        if key is not None:
            if key not in self.kept:
                self.kept[key] = self.fresh()
            return dict(self.kept[key][0]), self.kept[key][1]
        self.count += 1
        base = os.path.join(self.root, str(self.count))
        home, workspace = os.path.join(base, "home"), os.path.join(base, "ws")
        os.makedirs(home)
        os.makedirs(workspace)
        env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": home,
               "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
               "XDG_CONFIG_HOME": os.path.join(home, ".config"),
               "XDG_CACHE_HOME": os.path.join(home, ".cache"),
               "XDG_DATA_HOME": os.path.join(home, ".local", "share")}
        for name in ("LANG", "LC_ALL"):
            if name in os.environ:
                env[name] = os.environ[name]
        return env, workspace

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)
        for path in self.others:
            shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# The one MCP client both servers are driven by: JSON-RPC lines over stdio, a deadline on every read.

class StdioServer:
    def __init__(self, name, argv, env, cwd, timeout):
        self.name, self.timeout = name, timeout
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     env=env, cwd=cwd, start_new_session=True, bufsize=0)
        LIVE_PIDS.add(self.proc.pid)
        self.out_fd, self.in_fd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        os.set_blocking(self.out_fd, False)
        self.buffer = b""
        self.next_id = 0

    def send(self, message):
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
        while data:
            data = data[os.write(self.in_fd, data):]

    def request(self, method, params):
        """Sends a request and returns the response with its id (result or error), within the timeout."""
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return self.await_response(request_id)

    def notify(self, method):
        self.send({"jsonrpc": "2.0", "method": method})

    def await_response(self, request_id):
        deadline = time.monotonic() + self.timeout
        while True:
            newline = self.buffer.find(b"\n")
            while newline >= 0:
                line, self.buffer = self.buffer[:newline], self.buffer[newline + 1:]
                if line.strip():
                    message = json.loads(line)
                    if message.get("id") == request_id and ("result" in message or "error" in message):
                        return message
                    if "method" in message and "id" in message:
                        # A request from the server (none is expected): refuse it rather than leave it hanging.
                        self.send({"jsonrpc": "2.0", "id": message["id"],
                                   "error": {"code": -32601, "message": "not supported by the benchmark client"}})
                newline = self.buffer.find(b"\n")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchmarkError(f"{self.name}: no answer to request {request_id} within {self.timeout} s"
                                     + self.stderr_tail())
            ready, _, _ = select.select([self.out_fd], [], [], remaining)
            if ready:
                chunk = os.read(self.out_fd, 65536)
                if not chunk:
                    raise BenchmarkError(f"{self.name}: stdout closed (exit code {self.proc.poll()})"
                                         + self.stderr_tail())
                self.buffer += chunk

    def initialize(self):
        response = self.request("initialize", {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                                               "clientInfo": {"name": "end-to-end-benchmark", "version": "1"}})
        if "result" not in response:
            raise BenchmarkError(f"{self.name}: initialize failed: {response}")
        self.notify("notifications/initialized")
        return response["result"]

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise BenchmarkError(f"{self.name}: no VmHWM in /proc/{self.proc.pid}/status")

    def stderr_tail(self):
        try:
            self.stderr.seek(0)
            text = self.stderr.read().decode(errors="replace").strip()
        except OSError:
            return ""
        return f"\n  stderr: {text[-1500:]}" if text else ""

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # leftovers of the group (bwrap, bash) as well
        except OSError:
            pass
        self.proc.wait()
        LIVE_PIDS.discard(self.proc.pid)
        self.stderr.close()


# ---------------------------------------------------------------------------------------------------------------
# The two servers: how each is started, prepared and asked to run `echo hi`.

class AgentExecServer:
    def __init__(self, executable, label, extra_args, expected_backend, state_home=None):
        self.executable, self.label, self.extra_args = executable, label, extra_args
        self.expected_backend = expected_backend
        # Where the audit log goes instead of the scratch HOME (XDG_STATE_HOME), when given.
        self.state_home = state_home

    def argv_for(self, workspace):
        return [self.executable, "serve", "--workspace", workspace] + self.extra_args

    def start(self, scratch, timeout):
        env, workspace = scratch.fresh(self.label)
        if self.state_home:
            env["XDG_STATE_HOME"] = self.state_home
        server = StdioServer(self.label, self.argv_for(workspace), env, workspace, timeout)
        server.workspace = workspace
        return server

    def prepare(self, server):
        pass

    def call_echo(self, server):
        return server.request("tools/call", {"name": "shell", "arguments": {"command": "echo hi"}})

    def check_echo(self, server, response):
        content = response.get("result", {}).get("structuredContent") or {}
        if (content.get("status") != "completed" or content.get("stdout") != "hi\n"
                or content.get("sandbox_backend") != self.expected_backend):
            raise BenchmarkError(f"{self.label}: unexpected `echo hi` result: {json.dumps(response)[:800]}")


class CodexServer:
    def __init__(self, argv, label):
        self.argv, self.label = argv, label

    def argv_for(self, workspace):
        return self.argv

    def start(self, scratch, timeout):
        env, workspace = scratch.fresh(self.label)
        server = StdioServer(self.label, self.argv_for(workspace), env, workspace, timeout)
        server.workspace = workspace
        return server

    def prepare(self, server):
        # A request (the server answers {}), not a notification: codex-rs/exec-server/src/posix/mcp.rs handles it in
        # on_custom_request and deserializes params as codex_core::SandboxState.
        response = server.request("codex/sandbox-state/update",
                                  {"sandboxPolicy": {"type": "danger-full-access"}, "sandboxCwd": server.workspace})
        if "result" not in response:
            raise BenchmarkError(f"{self.label}: codex/sandbox-state/update failed: {response}")

    def call_echo(self, server):
        return server.request("tools/call", {"name": "shell", "arguments":
                                             {"command": "echo hi", "workdir": server.workspace, "login": False}})

    def check_echo(self, server, response):
        try:
            result = response["result"]
            output = json.loads(result["content"][0]["text"])
            ok = not result.get("isError") and output["exit_code"] == 0 and output["output"] == "hi\n"
        except (KeyError, IndexError, TypeError, ValueError):
            ok = False
        if not ok:
            raise BenchmarkError(f"{self.label}: unexpected `echo hi` result: {json.dumps(response)[:800]}")


def measure_initialize(kind, scratch, timeout):
    """Milliseconds from just before the spawn to the parsed initialize result."""
    env, workspace = scratch.fresh(kind.label)
    argv = kind.argv_for(workspace)
    started = time.perf_counter()
    server = StdioServer(kind.label, argv, env, workspace, timeout)
    try:
        server.initialize()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        server.close()
    return elapsed


# ---------------------------------------------------------------------------------------------------------------
# Process runs: posix_spawn, stdio on /dev/null, reaped through a pidfd with a deadline.

def timed_run(argv, env, cwd, timeout):
    devnull = [(os.POSIX_SPAWN_OPEN, fd, "/dev/null", os.O_RDONLY if fd == 0 else os.O_WRONLY, 0) for fd in (0, 1, 2)]
    os.chdir(cwd)
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=devnull, setsid=True)
    LIVE_PIDS.add(pid)
    pidfd = os.pidfd_open(pid)
    try:
        if not select.select([pidfd], [], [], timeout)[0]:
            raise BenchmarkError(f"`{' '.join(argv)}` did not finish within {timeout} s")
        _, status = os.waitpid(pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        os.close(pidfd)
        kill_live_children_of(pid)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        _, stdout, stderr = run_captured(argv, env, cwd, timeout)
        raise BenchmarkError(f"`{' '.join(argv)}` exited {code}: {(stderr or stdout).strip()[-1500:]}")
    return elapsed


def kill_live_children_of(pid):
    if pid in LIVE_PIDS:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)  # already reaped after a normal exit; reaps the killed process after a timeout
        except ChildProcessError:
            pass
        LIVE_PIDS.discard(pid)


class RunVariant:
    """One process-run variant; `make` returns (argv, env, cwd) for a fresh run."""

    def __init__(self, label, make):
        self.label, self.make = label, make

    def measure(self, timeout):
        argv, env, cwd = self.make()
        return timed_run(argv, env, cwd, timeout)


# ---------------------------------------------------------------------------------------------------------------
# The exact bubblewrap command agentexec builds, read from one `agentexec run -- true` under strace.

STRACE_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape_strace(text):
    out, i = bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "\\": 92, '"': 34}
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n in simple:
                out.append(simple[n]); i += 2; continue
            if n == "x":
                out.append(int(text[i + 2:i + 4], 16)); i += 4; continue
            octal = re.match(r"[0-7]{1,3}", text[i + 1:])
            if octal:
                out.append(int(octal.group(0), 8)); i += 1 + len(octal.group(0)); continue
        out += c.encode()
        i += 1
    return out.decode(errors="surrogateescape")


def parse_strace_array(text, start):
    """The strings of the `[...]` array that begins at text[start] == '['; returns (strings, index after ']')."""
    items, i = [], start + 1
    while i < len(text) and text[i] != "]":
        if text[i] == '"':
            match = STRACE_STRING.match(text, i)
            items.append(unescape_strace(match.group(1)))
            i = match.end()
        else:
            i += 1
    return items, i + 1


def capture_exact_bwrap(agentexec, scratch, timeout):
    """Returns (argv, env, workspace, bwrap_exec_count) of the last bwrap execve of `agentexec run -- true`, or a
    reason string when strace is missing or the trace has no bwrap."""
    strace = shutil.which("strace")
    if not strace:
        return "strace is not installed"
    env, workspace = scratch.fresh()
    trace = os.path.join(scratch.root, "bwrap-trace.txt")
    try:
        code, _, stderr = run_captured([strace, "-f", "-qq", "-v", "-e", "trace=execve", "-s", "65536", "-o", trace,
                                        agentexec, "run", "--workspace", workspace, "--", "true"],
                                       env, workspace, timeout)
    except BenchmarkError as error:
        return str(error)
    if code != 0:
        return f"`strace agentexec run -- true` exited {code}: {stderr.strip()[-500:]}"
    execs = []
    previous_by_pid = {}
    with open(trace) as lines:
        for line in lines:
            position = line.find('execve("')
            if position < 0 or "= 0" not in line[-12:]:
                continue
            pid = line.split(None, 1)[0]
            path = unescape_strace(STRACE_STRING.match(line, position + 7).group(1))
            argv, after = parse_strace_array(line, line.index("[", position))
            env_start = line.find("[", after)
            exec_env = parse_strace_array(line, env_start)[0] if env_start >= 0 else []
            previous = previous_by_pid.get(pid)
            previous_by_pid[pid] = (path, argv, exec_env)
            if os.path.basename(path) != "bwrap":
                continue
            # agentexec starts bwrap through `/bin/sh -c 'exec "$@" 3<"$0"' FILTER bwrap …`, which opens the seccomp
            # filter on the descriptor bwrap's --seccomp reads and becomes bwrap: that launcher is what is replayed.
            if previous is not None and os.path.basename(previous[0]) == "sh" and path in previous[1]:
                execs.append(previous)
            else:
                execs.append((path, argv, exec_env))
    if not execs:
        return "the trace shows no bwrap execve"
    path, argv, bwrap_env = execs[-1]
    # The placeholders agentexec makes for protected names (.git as a directory, the others as empty files) are gone
    # after the run; the replay needs them where the argv binds them.
    for flag_index, arg in enumerate(argv[:-2]):
        if arg in ("--bind", "--ro-bind"):
            source = argv[flag_index + 1]
            if source.startswith(workspace + "/") and not os.path.lexists(source):
                if os.path.basename(source) == ".git":
                    os.makedirs(source)
                else:
                    open(source, "w").close()
    env_map = dict(item.split("=", 1) for item in bwrap_env if "=" in item)
    return [path] + argv[1:], env_map, workspace, len(execs)


# ---------------------------------------------------------------------------------------------------------------
# Codex: find the native binary and the arguments its npm launcher would pass.

LINUX_BASH_VARIANTS = [("ubuntu-24.04", ["ubuntu"], ["24.04"]), ("ubuntu-22.04", ["ubuntu"], ["22.04"]),
                       ("ubuntu-20.04", ["ubuntu"], ["20.04"]), ("debian-12", ["debian"], ["12"]),
                       ("debian-11", ["debian"], ["11"]),
                       ("centos-9", ["centos", "rhel", "rocky", "almalinux"], ["9"])]


def select_codex_bash(target_root):
    """The same choice as the launcher's selectLinuxBash: a variant matching ID/ID_LIKE, preferring VERSION_ID."""
    info = {}
    try:
        with open("/etc/os-release") as release:
            for line in release:
                if "=" in line:
                    key, value = line.rstrip("\n").split("=", 1)
                    info[key.lower()] = value.strip('"')
    except OSError:
        pass
    os_id, id_like, version = info.get("id", "").lower(), info.get("id_like", "").lower().split(), info.get("version_id", "")
    candidates = [(name, bool(version) and any(version.startswith(v) for v in versions))
                  for name, ids, versions in LINUX_BASH_VARIANTS if os_id in ids or any(i in id_like for i in ids)]
    chosen = next((name for name, exact in candidates if exact), None) or next((name for name, _ in candidates), None)
    return os.path.join(target_root, "bash", chosen or LINUX_BASH_VARIANTS[0][0], "bash")


def resolve_codex(path):
    """(native_binary, argv, launcher_js_or_None) from a native binary, the package folder or an npm --prefix."""
    path = os.path.abspath(path)
    triple = {"x86_64": "x86_64-unknown-linux-musl", "aarch64": "aarch64-unknown-linux-musl"}.get(platform.machine())
    package = None
    for candidate in (path, os.path.join(path, "node_modules", "@openai", "codex-shell-tool-mcp"),
                      os.path.dirname(os.path.dirname(path))):
        if os.path.isdir(os.path.join(candidate, "vendor")):
            package = candidate
            break
    if os.path.isfile(path) and not path.endswith(".js"):
        target_root = os.path.dirname(path)
        native = path
    elif package and triple:
        target_root = os.path.join(package, "vendor", triple)
        native = os.path.join(target_root, "codex-exec-mcp-server")
    else:
        raise BenchmarkError(f"no codex-exec-mcp-server for {platform.machine()} under {path}")
    wrapper, bash = os.path.join(target_root, "codex-execve-wrapper"), select_codex_bash(target_root)
    for required in (native, wrapper, bash):
        if not os.access(required, os.X_OK):
            raise BenchmarkError(f"Codex server incomplete: {required} is missing or not executable")
    launcher = os.path.join(package, "bin", "mcp-server.js") if package else None
    if launcher and not (os.path.isfile(launcher) and shutil.which("node")):
        launcher = None
    return native, [native, "--execve", wrapper, "--bash", bash], launcher


# ---------------------------------------------------------------------------------------------------------------
# Rounds.

def rotated(items, shift):
    shift %= len(items)
    return items[shift:] + items[:shift]


def run_round(args, plan, scratch, results, round_index):
    """Adds this round's value of every variant to `results` (one value per round: a median, or the VmHWM)."""
    samples = {}
    # 1. spawn → initialize result
    for i in range(args.spawns):
        for kind in rotated(plan["init"], i + round_index):
            samples.setdefault(("init", kind.label), []).append(measure_initialize(kind, scratch, args.timeout))
    # 2. `echo hi` calls, alternating between the servers call by call; VmHWM after the 100th call
    servers = []
    try:
        for kind in plan["call"]:
            server = kind.start(scratch, args.timeout)
            servers.append((kind, server))
            server.initialize()
            kind.prepare(server)
        total = args.warmup + args.calls
        times = {kind.label: [] for kind, _ in servers}
        for i in range(total):
            for kind, server in rotated(servers, i):
                started = time.perf_counter()
                response = kind.call_echo(server)
                elapsed = (time.perf_counter() - started) * 1000
                kind.check_echo(server, response)
                if i >= args.warmup:
                    times[kind.label].append(elapsed)
                if i + 1 == min(total, RSS_AFTER_CALLS):
                    results.setdefault(("rss", kind.label), []).append(server.peak_rss_kib() / 1024)
        for label, call_times in times.items():
            results.setdefault(("p50", label), []).append(statistics.median(call_times))
    finally:
        for _, server in servers:
            server.close()
    # 3. process runs
    for i in range(args.runs):
        for variant in rotated(plan["run"], i + round_index):
            samples.setdefault(("run", variant.label), []).append(variant.measure(args.timeout))
    for key, values in samples.items():
        results.setdefault(key, []).append(statistics.median(values))


# ---------------------------------------------------------------------------------------------------------------
# Report.

def fmt(value, unit):
    if value is None:
        return "not measured"
    return f"{value:.1f} {unit}" if unit == "ms" else f"{value:.1f} MiB"


def summarize(per_round, unit):
    if not per_round:
        return "not measured", None
    med = statistics.median(per_round)
    return f"{fmt(med, unit)} ({min(per_round):.1f}–{max(per_round):.1f})", med


def machine_facts():
    facts = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "nproc": str(os.cpu_count()),
             "kernel": platform.release(), "cpu": "?"}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    facts["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return facts


def load_average():
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def tool_version(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (result.stdout or result.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def build_rows(results, figures):
    rows = []
    for figure in figures:
        subject = results.get(figure["subject"])
        reference = results.get(figure["reference"]) if figure["reference"] else None
        subject_text, _ = summarize(subject, figure["unit"])
        reference_text, _ = summarize(reference, figure["unit"])
        goal_kind, goal_value = figure["goal"]
        if subject and reference:
            if goal_kind == "ratio":
                per_round = [s / r for s, r in zip(subject, reference)]
                value = statistics.median(per_round)
                compare = f"{value:.2f}× ({min(per_round):.2f}–{max(per_round):.2f})"
                goal_text = f"≤ {goal_value:g}×"
            else:
                per_round = [s - r for s, r in zip(subject, reference)]
                value = statistics.median(per_round)
                compare = f"{value:+.1f} ms ({min(per_round):+.1f}–{max(per_round):+.1f})"
                goal_text = f"≤ bare + {goal_value:g} ms"
            verdict = ("PASS" if value <= goal_value else "MISS") if figure["scored"] else "info"
        else:
            compare, verdict = "not measured", ("not measured" if figure["scored"] else "info")
            goal_text = f"≤ {goal_value:g}×" if goal_kind == "ratio" else f"≤ bare + {goal_value:g} ms"
        if not figure["scored"]:
            goal_text = "—"
        rows.append([figure["title"], subject_text, figure["reference_title"], reference_text, compare, goal_text,
                     verdict])
    return rows


def round_table(results, rounds):
    """Every measured variant's value in every round, so a reader can see the spread behind each median."""
    what = {"init": "spawn → initialize, median (ms)", "p50": "`echo hi` p50 (ms)", "rss": "VmHWM (MiB)",
            "run": "wall, median (ms)"}
    header = ["variant", "measure"] + [f"round {i + 1}" for i in range(rounds)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    order = list(what)
    for (kind, label), values in sorted(results.items(), key=lambda item: order.index(item[0][0])):
        lines.append("| " + " | ".join([f"`{label}`", what[kind]] + [f"{v:.1f}" for v in values]) + " |")
    return "\n".join(lines)


def markdown_table(rows):
    header = ["figure", "agentexec: median (min–max)", "reference", "reference: median (min–max)",
              "ratio (min–max)", "goal", "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------

def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description="End-to-end benchmark: agentexec serve/run against the Codex exec "
                                                 "MCP server, bash and bare bwrap.")
    parser.add_argument("--agentexec", required=True, help="the agentexec executable (Native AOT publish)")
    parser.add_argument("--codex", help="codex-exec-mcp-server: the native binary, the npm package folder, or the "
                                        "folder given to npm install --prefix")
    parser.add_argument("--install-codex", metavar="DIR", help=f"npm install {CODEX_PACKAGE} into DIR when --codex "
                                                               "is not given or not found there, and use it")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--spawns", type=int, default=10, help="spawn→initialize measurements per server per round")
    parser.add_argument("--calls", type=int, default=100, help="timed `echo hi` calls per server per round")
    parser.add_argument("--warmup", type=int, default=5, help="untimed `echo hi` calls before them")
    parser.add_argument("--runs", type=int, default=20, help="process runs per `run` variant per round")
    parser.add_argument("--timeout", type=float, default=30, help="seconds allowed for any one answer or run")
    parser.add_argument("--markdown", default=os.path.join(repo, "benchmarks", "results", "end-to-end.md"))
    args = parser.parse_args()
    agentexec = os.path.abspath(args.agentexec)
    if not os.access(agentexec, os.X_OK):
        parser.error(f"{agentexec} is not executable (dotnet publish src/AgentExec.Cli -c Release -r linux-x64 "
                     "-o /tmp/e2e-aot)")
    bwrap = shutil.which("bwrap")
    bash = shutil.which("bash")

    codex, codex_note = None, ""
    codex_source = args.codex
    if args.install_codex and (not codex_source or not os.path.exists(codex_source)):
        package = os.path.join(args.install_codex, "node_modules", "@openai", "codex-shell-tool-mcp")
        if not os.path.isdir(package):
            log(f"installing {CODEX_PACKAGE} into {args.install_codex} …")
            subprocess.run(["npm", "install", "--prefix", args.install_codex, CODEX_PACKAGE], check=True)
        codex_source = args.install_codex
    if codex_source:
        try:
            codex = resolve_codex(codex_source)
        except BenchmarkError as error:
            codex_note = str(error)
    else:
        codex_note = "no --codex given"
    if codex is None:
        log(f"Codex exec server not available ({codex_note}); measuring the agentexec-only figures, the Codex columns "
            f"will say 'not measured'. Install it with: npm install --prefix /var/tmp/codex-mcp {CODEX_PACKAGE}")

    scratch = Scratch()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        ae_default = AgentExecServer(agentexec, "agentexec serve", [], "bubblewrap")
        ae_full = AgentExecServer(agentexec, "agentexec serve --sandbox danger-full-access",
                                  ["--sandbox", "danger-full-access"], "none")
        plan = {"init": [ae_default, ae_full], "call": [ae_full, ae_default], "run": []}
        # The same unsandboxed server with its audit log on tmpfs, where the two fsyncs per call cost nothing: what
        # the audit log's durability (SPEC.md "Audit log") adds to the unsandboxed figure on this machine.
        ae_tmpfs = None
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            tmpfs_state = tempfile.mkdtemp(prefix="agentexec-e2e-state-", dir="/dev/shm")
            scratch.also_remove(tmpfs_state)
            ae_tmpfs = AgentExecServer(agentexec, "agentexec serve --sandbox danger-full-access, audit log on tmpfs",
                                       ["--sandbox", "danger-full-access"], "none", state_home=tmpfs_state)
            plan["call"].append(ae_tmpfs)
        if codex:
            native, codex_argv, launcher = codex
            codex_server = CodexServer(codex_argv, "codex-exec-mcp-server")
            plan["init"].append(codex_server)
            plan["call"].append(codex_server)
            if launcher:
                plan["init"].append(CodexServer([shutil.which("node"), launcher], "codex-shell-tool-mcp (node launcher)"))

        def agentexec_run(extra):
            def make():
                env, workspace = scratch.fresh("agentexec run " + " ".join(extra))
                return [agentexec, "run", "--workspace", workspace] + extra + ["--", "true"], env, workspace
            return make

        def fixed(argv):
            def make():
                env, workspace = scratch.fresh()
                return argv, env, workspace
            return make

        plan["run"] += [RunVariant("agentexec run --sandbox danger-full-access -- true",
                                   agentexec_run(["--sandbox", "danger-full-access"])),
                        RunVariant("bash -c true", fixed([bash, "-c", "true"])),
                        RunVariant("agentexec run -- true", agentexec_run([]))]
        exact = capture_exact_bwrap(agentexec, scratch, args.timeout) if bwrap else "bwrap is not installed"
        exact_note = exact if isinstance(exact, str) else None
        if bwrap:
            plan["run"].append(RunVariant("bare bwrap (fixed argv)", fixed([bwrap] + FIXED_BWRAP_ARGV[1:])))
        if not isinstance(exact, str):
            exact_argv, exact_env, exact_workspace, bwrap_execs = exact
            plan["run"].append(RunVariant("bare bwrap (agentexec's exact argv)",
                                          lambda: (exact_argv, exact_env, exact_workspace)))

        facts = machine_facts()
        load_start = load_average()
        log(f"{facts['date']}  nproc {facts['nproc']}  kernel {facts['kernel']}  load {load_start}")
        # One untimed start of every variant: the first start on a machine runs bubblewrap's trial once and creates
        # the audit log; every later start of the same server, as a client restarts it, skips both.
        for kind in plan["init"]:
            measure_initialize(kind, scratch, args.timeout)
        for variant in plan["run"]:
            variant.measure(args.timeout)
        results = {}
        for round_index in range(args.rounds):
            started = time.monotonic()
            run_round(args, plan, scratch, results, round_index)
            log(f"round {round_index + 1}/{args.rounds} done in {time.monotonic() - started:.0f} s")
        load_end = load_average()

        codex_label = "codex-exec-mcp-server"
        bwrap_reference = ("run", "bare bwrap (agentexec's exact argv)") if exact_note is None \
            else ("run", "bare bwrap (fixed argv)")
        bwrap_reference_title = "bare `bwrap` with agentexec's exact argv" if exact_note is None \
            else "bare `bwrap` (fixed argv)"
        figures = [
            dict(title="spawn → `initialize` result, median", subject=("init", "agentexec serve"),
                 reference=("init", codex_label), reference_title="Codex exec server", unit="ms",
                 goal=("ratio", 2), scored=True),
            dict(title="`echo hi` over MCP, unsandboxed (`--sandbox danger-full-access`), p50",
                 subject=("p50", ae_full.label), reference=("p50", codex_label),
                 reference_title="Codex exec server (danger-full-access)", unit="ms", goal=("ratio", 1.0),
                 scored=True),
            dict(title="`echo hi` over MCP, bubblewrap (default workspace-write), p50",
                 subject=("p50", ae_default.label), reference=("p50", codex_label),
                 reference_title="Codex exec server unsandboxed", unit="ms", goal=("ratio", 2), scored=True),
            dict(title=f"peak RSS (VmHWM) of `serve` after {RSS_AFTER_CALLS} calls",
                 subject=("rss", ae_default.label), reference=("rss", codex_label),
                 reference_title=f"Codex exec server after {RSS_AFTER_CALLS} calls", unit="MiB", goal=("ratio", 3),
                 scored=True),
            dict(title="`agentexec run --sandbox danger-full-access -- true` wall",
                 subject=("run", "agentexec run --sandbox danger-full-access -- true"),
                 reference=("run", "bash -c true"), reference_title="`bash -c true`", unit="ms",
                 goal=("ratio", 4), scored=True),
            dict(title="`agentexec run -- true` (bubblewrap) wall", subject=("run", "agentexec run -- true"),
                 reference=bwrap_reference, reference_title=bwrap_reference_title, unit="ms", goal=("delta", 10),
                 scored=True),
            # Informational rows.
            dict(title="spawn → `initialize`, `serve --sandbox danger-full-access`", subject=("init", ae_full.label),
                 reference=("init", codex_label), reference_title="Codex exec server", unit="ms",
                 goal=("ratio", 2), scored=False),
            dict(title=f"peak RSS of `serve --sandbox danger-full-access` after {RSS_AFTER_CALLS} calls",
                 subject=("rss", ae_full.label), reference=("rss", codex_label),
                 reference_title=f"Codex exec server after {RSS_AFTER_CALLS} calls", unit="MiB", goal=("ratio", 3),
                 scored=False),
            dict(title="`agentexec run -- true` (bubblewrap) wall", subject=("run", "agentexec run -- true"),
                 reference=("run", "bare bwrap (fixed argv)"), reference_title="bare `bwrap` (fixed argv)",
                 unit="ms", goal=("delta", 10), scored=False),
            dict(title="`echo hi` over MCP, unsandboxed, audit log on tmpfs (its `fsync`s cost nothing), p50",
                 subject=("p50", ae_tmpfs.label if ae_tmpfs else "tmpfs variant not run"), reference=("p50", codex_label),
                 reference_title="Codex exec server (danger-full-access)", unit="ms", goal=("ratio", 1.0),
                 scored=False),
            dict(title="Codex spawn → `initialize` through its npm node launcher",
                 subject=("init", "codex-shell-tool-mcp (node launcher)"), reference=("init", codex_label),
                 reference_title="the native binary directly", unit="ms", goal=("ratio", 1), scored=False),
        ]
        if exact_note is None:
            figures.insert(8, dict(title="bare `bwrap`, agentexec's exact argv", subject=bwrap_reference,
                                   reference=("run", "bare bwrap (fixed argv)"),
                                   reference_title="bare `bwrap` (fixed argv)", unit="ms", goal=("delta", 10),
                                   scored=False))
        if not (codex and codex[2]):
            figures.pop()
        rows = build_rows(results, figures)
        table = markdown_table(rows)

        command = "python3 benchmarks/end-to-end.py " + " ".join(
            a if " " not in a else repr(a) for a in sys.argv[1:])
        notes = [
            f"- Command: `{command}`",
            f"- Machine: {facts['cpu']}, nproc {facts['nproc']}, kernel {facts['kernel']}, {facts['date']}; "
            f"load average {load_start} at start, {load_end} at end.",
            f"- agentexec `{tool_version([agentexec, '--version'])}`; {tool_version([bwrap, '--version']) if bwrap else 'no bwrap'}; "
            + (f"Codex `{tool_version([codex[0], '--version'])}` ({CODEX_PACKAGE}), native binary run directly as "
               f"`{' '.join(os.path.relpath(a, os.path.dirname(codex[0])) if a.startswith('/') else a for a in codex[1])}` "
               "(relative to its vendor folder)." if codex else f"Codex server not measured: {codex_note}."),
            f"- {args.rounds} round(s); per round: {args.spawns} spawns per server, {args.warmup} + {args.calls} "
            f"`echo hi` calls per server (p50 over the {args.calls}; VmHWM after call {min(RSS_AFTER_CALLS, args.warmup + args.calls)}), "
            f"{args.runs} runs per `run` variant. Values: median of the round values (min–max); ratio: median of the "
            "per-round ratios (min–max); for the bwrap goal the difference in ms.",
            f"- Fixed bare bwrap argv: `{' '.join(FIXED_BWRAP_ARGV)}`.",
        ]
        busiest = max(float(load_start.split()[0]), float(load_end.split()[0]))
        if busiest > (os.cpu_count() or 1):
            notes.append(f"- Warning: the 1-minute load average ({busiest:.2f}) exceeded nproc during the run, so other "
                         "work competed for the CPU; absolute times are inflated, and the side that needs more CPU "
                         "time per operation is hit harder, so the ratios are too.")
        if exact_note is None:
            notes.append(f"- agentexec's exact argv (from strace of one `agentexec run -- true`; that run exec'd bwrap "
                         f"{bwrap_execs} time(s), the last one is replayed with its environment): "
                         f"`{' '.join(exact_argv)}`. The bwrap goal uses this argv.")
        else:
            notes.append(f"- agentexec's exact bwrap argv not captured ({exact_note}); the bwrap goal uses the fixed argv.")
        notes = [note.replace(scratch.root, "$SCRATCH") for note in notes]
        report = "\n".join(["# End-to-end benchmark: agentexec vs Codex exec server", "",
                            "Generated by `benchmarks/end-to-end.py`; do not edit by hand.", "", table, ""] + notes
                           + ["", "Round values:", "", round_table(results, args.rounds)]) + "\n"
        print(table)
        print()
        print("\n".join(notes))
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown)), exist_ok=True)
        with open(args.markdown, "w") as out:
            out.write(report)
        log(f"wrote {args.markdown}")
        return 0
    except (BenchmarkError, subprocess.SubprocessError, OSError) as error:
        log(f"benchmark failed: {error}")
        return 3
    finally:
        kill_live_children()
        os.chdir("/")
        scratch.remove()


if __name__ == "__main__":
    sys.exit(main())
