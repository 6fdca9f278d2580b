// Two measurements.
//
// The added cost of the bubblewrap sandbox (issue 3, "Measure"): median wall time of `bash -c true` through
// CommandRunner, unsandboxed and under each sandboxed mode, measured interleaved so that drift on a shared machine
// hits every variant alike. Each sandboxed run is wrapped anew, as the pipeline does: the mount plan (with the credential
// and repository scan of the workspace), the placeholders for a missing .git/.env/agentexec.json, and their release.
//
//   dotnet run -c Release --project benchmarks/AgentExec.Benchmarks [-- ITERATIONS]
//
// The analysis time per command line (issue 9): see AnalysisBenchmark.
//
//   dotnet run -c Release --project benchmarks/AgentExec.Benchmarks -- analysis [PASSES]
//
// What a large workspace costs each sandboxed run (issue 10): see WorkspaceScanBenchmark.
//
//   dotnet run -c Release --project benchmarks/AgentExec.Benchmarks -- scan [FOLDERS] [ROUNDS]
//
// What the egress proxy adds per connection and to a large download (issue 14): see EgressProxyBenchmark.
//
//   dotnet run -c Release --project benchmarks/AgentExec.Benchmarks -- proxy [REQUESTS] [LARGE_ROUNDS] [LARGE_MB]

using System.Diagnostics;
using System.Globalization;
using AgentExec.Core.Configuration;
using AgentExec.Core.Execution;
using AgentExec.Core.Policy;
using AgentExec.Core.Sandbox;
using AgentExec.Benchmarks;

if (args is ["analysis", .. var rest])
{
    return AnalysisBenchmark.Run(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 200);
}

if (args is ["proxy", .. var proxyArguments])
{
    return await EgressProxyBenchmark.RunAsync(
        proxyArguments.Length > 0 ? int.Parse(proxyArguments[0], CultureInfo.InvariantCulture) : 500,
        proxyArguments.Length > 1 ? int.Parse(proxyArguments[1], CultureInfo.InvariantCulture) : 10,
        proxyArguments.Length > 2 ? int.Parse(proxyArguments[2], CultureInfo.InvariantCulture) : 256);
}

if (args is ["scan", .. var scanArguments])
{
    return WorkspaceScanBenchmark.Run(
        scanArguments.Length > 0 ? int.Parse(scanArguments[0], CultureInfo.InvariantCulture) : 2_500,
        scanArguments.Length > 1 ? int.Parse(scanArguments[1], CultureInfo.InvariantCulture) : 5);
}

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
const int warmup = 5;

var root = Directory.CreateDirectory(Path.Combine("/var/tmp", "agentexec-bench-" + Guid.NewGuid().ToString("N"))).FullName;
try
{
    var workspace = Directory.CreateDirectory(Path.Combine(root, "workspace")).FullName;
    var host = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
    {
        host[(string)entry.Key] = (string)entry.Value!;
    }

    var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["LANG"] = "C.UTF-8" };
    var runner = new CommandRunner();
    var variants = new List<(string Name, Func<SandboxedCommand> Prepare)>
    {
        ("unsandboxed", () => new SandboxedCommand(["bash", "-c", "true"], environment)),
    };

    foreach (var mode in (SandboxMode[])[SandboxMode.WorkspaceWrite, SandboxMode.ReadOnly])
    {
        var settings = new AgentExecSettings { Workspace = workspace, AuditLogPath = Path.Combine(root, "audit.jsonl"), Sandbox = mode };
        var probe = new BubblewrapProbe(host).Probe(settings);
        if (probe.Sandbox is not { } sandbox)
        {
            Console.Error.WriteLine($"bubblewrap is not usable here: {probe.Problem}");
            return 1;
        }

        var invocation = new SandboxInvocation(["bash", "-c", "true"], workspace, mode, workspace, [], false, environment);
        variants.Add(($"bubblewrap {mode.ToCode()}", () => sandbox.Wrap(invocation)));
        if (mode == SandboxMode.WorkspaceWrite)
        {
            // For scale: the least bubblewrap does (one namespace, three mounts), so what our mounts add shows apart.
            variants.Add(("bare bwrap (reference)", () => new SandboxedCommand([((BubblewrapSandbox)sandbox).Executable, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--", "bash", "-c", "true"], environment)));
        }
    }

    var samples = variants.ToDictionary(variant => variant.Name, _ => new List<double>());
    for (var i = 0; i < warmup + iterations; i++)
    {
        foreach (var (name, prepare) in variants)
        {
            var stopwatch = Stopwatch.StartNew();
            var command = prepare();
            var result = await runner.RunAsync(Spec(command.Argv), null, CancellationToken.None);
            command.Cleanup?.Invoke();
            stopwatch.Stop();
            if (result is not { Outcome: ExecutionOutcome.Exited, ExitCode: 0 })
            {
                Console.Error.WriteLine($"{name} failed: {result.Outcome} {result.ExitCode} {result.Stderr.Text}");
                return 1;
            }

            if (i >= warmup)
            {
                samples[name].Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }
    }

    var baseline = Percentile(samples["unsandboxed"], 0.5);
    Console.WriteLine($"`bash -c true` through CommandRunner, {iterations} runs each after {warmup} warm-up runs, {Environment.ProcessorCount} CPUs:");
    Console.WriteLine($"{"variant",-28} {"median ms",10} {"p10 ms",8} {"p90 ms",8} {"added ms",9}");
    foreach (var (name, _) in variants)
    {
        var median = Percentile(samples[name], 0.5);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-28} {median,10:F2} {Percentile(samples[name], 0.1),8:F2} {Percentile(samples[name], 0.9),8:F2} {median - baseline,9:F2}"));
    }

    return 0;

    ExecutionSpec Spec(IReadOnlyList<string> argv) => new(argv, workspace, environment, TimeSpan.FromSeconds(30), ExecutionSpec.DefaultOutputCapBytes);
}
finally
{
    Directory.Delete(root, recursive: true);
}

static double Percentile(List<double> values, double fraction) => Percentiles.Of(values, fraction);
