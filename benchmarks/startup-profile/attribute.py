#!/usr/bin/env python3
"""Attributes perf samples of agentexec to start-up phases.

Usage: perf script -i perf.data -F comm,tid,ip,sym | attribute.py RUNS [HZ]
Each sample goes to the first bucket (in the order below) whose pattern matches a frame of its stack, searching
from the outermost frame inwards for the 'phase' buckets is wrong for nested work, so buckets are ordered from the
most specific to the most general and the first match wins. Prints CPU ms per run per bucket and per thread name.
"""
import re, sys, collections

RUNS = int(sys.argv[1]); HZ = float(sys.argv[2]) if len(sys.argv) > 2 else 20000
BUCKETS = [
    ("AOT module init: RehydrateData", r"StartupCodeHelpers__RehydrateData"),
    ("AOT module init: other", r"StartupCodeHelpers__InitializeModules"),
    ("Thread.Start spin (Thread.Yield)", r"Thread__Yield"),
    ("native library probe (NativeLibrary.LoadBySearch)", r"NativeLibrary__LoadBySearch|NativeLibrary__LoadLibErrorTracker"),
    ("SHA-256 / OpenSSL load+init", r"System_Security_Cryptography|libcrypto|libssl"),
    ("bubblewrap probe (trial run)", r"BubblewrapProbe__Probe"),
    ("LoggerFactory.Create (DI + generic type loading)", r"LoggerFactory__Create"),
    ("OpenTelemetry / TelemetryExport", r"OpenTelemetry|TelemetryExport"),
    ("MCP host build/run (Host, DI, SDK)", r"AgentExecMcpServer|Microsoft_Extensions_Hosting|HostApplicationBuilder"),
    ("LLM client / assessment setup", r"AssessmentSetup|AssessmentChatClientFactory|OpenAI|LanguageModelSettings|DotEnv"),
    ("Sandbox probe / backend selection", r"Sandbox_.*(Probe|Select|Availab|Detect|Trial)|BubblewrapAvailab|SandboxBackend"),
    ("Credentials list (realpath of protected paths)", r"CredentialList"),
    ("audit append (open/lock/read/hash/fsync)", r"JsonLinesAuditLog|AuditLog"),
    ("audit event build (AuditEvent.For)", r"AuditEvent__For"),
    ("ProcessStartThread / CommandRunner spawn", r"ProcessStartThread|CommandRunner"),
    ("config / settings load", r"Configuration_|Settings_|SettingsLoader|ConfigFile"),
    ("System.Text.Json type info", r"System_Text_Json"),
    ("regex construction/match", r"System_Text_RegularExpressions"),
    ("policy / analysis", r"PolicyStep|Assessment_|Commands_.*Analy|ShellParser|Policy_"),
    ("AgentExecRuntime.TryCreate (other)", r"AgentExecRuntime__TryCreate"),
    ("ExecPipeline (other)", r"ExecPipeline"),
    ("System.CommandLine", r"System_CommandLine"),
    ("MCP server / hosting", r"ModelContextProtocol|Microsoft_Extensions_Hosting|AgentExec_Mcp"),
    ("Main (other managed)", r"Program___Main"),
    ("dynamic linker (ld.so relocs)", r"_dl_relocate_object|_dl_start|_dl_lookup|do_lookup_x|_dl_map_object|dl_main"),
    ("GC", r"WKS::|SVR::|gc_heap"),
    ("kernel exit/exec/mm", r"^\[k\]|do_exit|exit_mmap|execve"),
]
compiled = [(n, re.compile(p)) for n, p in BUCKETS]
per_bucket = collections.Counter(); per_thread = collections.Counter(); per_thread_bucket = collections.defaultdict(collections.Counter)
head = None; frames = []
def flush():
    if head is None: return
    comm = head
    per_thread[comm] += 1
    joined = frames
    for name, rx in compiled:
        if any(rx.search(f) for f in joined):
            per_thread_bucket[comm][name] += 1; per_bucket[name] += 1; break
    else:
        leaf = frames[0] if frames else "?"
        per_thread_bucket[comm]["unattributed: " + leaf[:60]] += 1
        per_bucket["(unattributed)"] += 1
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip():
        flush(); head = None; frames = []; continue
    if not line.startswith((" ", "\t")):
        flush(); frames = []
        head = line.strip()
        continue
    parts = line.strip().split(None, 1)
    sym = parts[1] if len(parts) > 1 else parts[0]
    sym = re.sub(r"\+0x[0-9a-f]+.*$", "", sym)
    frames.append(sym)
flush()
ms = lambda n: n / RUNS / HZ * 1000
print(f"CPU per run by thread (ms):")
for t, n in per_thread.most_common(): print(f"  {ms(n):7.2f}  {t}")
print(f"CPU per run by bucket, all threads (ms):")
for b, n in per_bucket.most_common(): print(f"  {ms(n):7.2f}  {b}")
print("per thread detail:")
for t, _ in per_thread.most_common(6):
    print(" ", t)
    for b, n in per_thread_bucket[t].most_common(12): print(f"    {ms(n):7.2f}  {b}")
