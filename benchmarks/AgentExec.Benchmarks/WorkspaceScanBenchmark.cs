using System.Diagnostics;
using System.Globalization;
using AgentExec.Core.Configuration;
using AgentExec.Core.Sandbox;

namespace AgentExec.Benchmarks;

/// <summary>
/// What a large workspace costs every sandboxed run (issue 10): the bubblewrap mount plan's walk of the writable
/// directories (credential names and nested <c>.git</c> entries) with the workspace placeholders, and the repository
/// snapshot taken before and compared after a run.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/AgentExec.Benchmarks -- scan [FOLDERS] [ROUNDS]</c> builds a
/// workspace of FOLDERS folders × 20 files with a git repository in every 25th folder, under <c>/var/tmp</c>, and times
/// each step ROUNDS times after one warm-up (warm page cache, as on a machine that runs commands all day).
/// </remarks>
internal static class WorkspaceScanBenchmark
{
    private const int FilesPerFolder = 20;
    private const int RepositoryEvery = 25;

    public static int Run(int folders, int rounds)
    {
        var root = Directory.CreateDirectory(Path.Combine("/var/tmp", "agentexec-scan-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var workspace = Directory.CreateDirectory(Path.Combine(root, "workspace")).FullName;
            var entries = Generate(workspace, folders);
            var host = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                host[(string)entry.Key] = (string)entry.Value!;
            }

            var settings = new AgentExecSettings { Workspace = workspace, AuditLogPath = Path.Combine(root, "audit.jsonl"), Sandbox = SandboxMode.WorkspaceWrite };
            if (new BubblewrapProbe(host).Probe(settings).Sandbox is not { } sandbox)
            {
                Console.Error.WriteLine("bubblewrap is not usable here");
                return 1;
            }

            var invocation = new SandboxInvocation(["true"], workspace, SandboxMode.WorkspaceWrite, workspace, [], false, new Dictionary<string, string>());
            var plan = new List<double>();
            var before = new List<double>();
            var after = new List<double>();
            for (var round = 0; round <= rounds; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                var wrapped = sandbox.Wrap(invocation);
                var planned = stopwatch.Elapsed.TotalMilliseconds;

                // As the pipeline does: the snapshot starts from the .git entries the plan's walk met.
                stopwatch.Restart();
                var snapshot = RepositorySnapshot.BeforeWritableRun(sandbox.Backend, SandboxMode.WorkspaceWrite, workspace, [], wrapped.Repositories)!;
                var taken = stopwatch.Elapsed.TotalMilliseconds;

                stopwatch.Restart();
                wrapped.Cleanup?.Invoke();
                planned += stopwatch.Elapsed.TotalMilliseconds;

                stopwatch.Restart();
                _ = snapshot.CompareWithNow();
                var compared = stopwatch.Elapsed.TotalMilliseconds;
                if (round > 0)
                {
                    plan.Add(planned);
                    before.Add(taken);
                    after.Add(compared);
                }
            }

            Console.WriteLine($"A workspace of {entries} entries ({folders} folders × {FilesPerFolder} files, {folders / RepositoryEvery} repositories), {rounds} rounds, {Environment.ProcessorCount} CPUs:");
            Console.WriteLine($"{"step",-44} {"median ms",10} {"p90 ms",8}");
            foreach (var (name, values) in (IEnumerable<(string, List<double>)>)[("mount plan (scan + placeholders), released", plan), ("repository snapshot before the run (no walk)", before), ("repository walk and compare after the run", after)])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {Percentiles.Of(values, 0.5),10:F1} {Percentiles.Of(values, 0.9),8:F1}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static int Generate(string workspace, int folders)
    {
        var entries = 0;
        for (var folder = 0; folder < folders; folder++)
        {
            var directory = Directory.CreateDirectory(Path.Combine(workspace, $"pkg{folder / 100}", $"mod{folder}")).FullName;
            entries++;
            for (var file = 0; file < FilesPerFolder; file++)
            {
                File.WriteAllText(Path.Combine(directory, $"file{file}.txt"), "x");
                entries++;
            }

            if (folder % RepositoryEvery == 0)
            {
                var git = Directory.CreateDirectory(Path.Combine(directory, ".git", "hooks")).Parent!.FullName;
                File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
                File.WriteAllText(Path.Combine(git, "config"), "[core]\n\trepositoryformatversion = 0\n");
                entries += 4;
            }
        }

        return entries;
    }
}
