using System.Diagnostics;

namespace AgentExec.Tests.Oracle;

/// <summary>
/// The throwaway world a command line runs in: a scratch directory full of traps, a fake home holding decoy
/// credentials, and a place for marker programs to leave their marks. Built once; every run gets a fresh copy.
/// </summary>
/// <remarks>
/// <para>
/// Layout under <see cref="Root"/> (the only directory the sandbox can write):
/// <c>work/</c> is the working directory: ordinary files (<c>f1</c>, <c>f2</c>, <c>notes.txt</c>), files named
/// like options (<c>-o</c>, <c>--output=x</c>, <c>-delete</c>, <c>-exec</c>, <c>--pre=x</c>, <c>-v</c>,
/// <c>-rf</c>, <c>--files0-from=names0</c>) so that a glob can turn into a refused option, lists naming a decoy
/// credential (<c>names</c>, <c>names0</c>, <c>sums.md5</c>), a subdirectory, a <c>.env</c>, a script that
/// <c>source</c> would run, marker programs named after read-only programs (<c>./ls</c>, <c>bin/ls</c>,
/// <c>bin/git</c>…), a clean repository <c>clean/</c> and a repository <c>marked/</c> whose configuration
/// names the marker program in every place git runs programs from while only inspecting.
/// <c>home/</c> is <c>HOME</c>, with <c>.ssh/id_rsa</c> and <c>.aws/credentials</c>.
/// </para>
/// <para>
/// The paths never change between runs, so the analyzer judges every line against the same directory the line
/// then runs in. No run ever writes here: the sandbox lays a fresh in-memory copy over <see cref="Root"/> for
/// each run (see <see cref="SandboxedBash"/>), so what one line changed is gone before the next.
/// </para>
/// </remarks>
internal sealed class ScratchArea : IDisposable
{
    private readonly string baseDirectory;

    public ScratchArea()
    {
        baseDirectory = Directory.CreateTempSubdirectory("agentexec-oracle-").FullName;
        Root = Path.Combine(baseDirectory, "area");
        TraceDirectory = Path.Combine(baseDirectory, "trace");
        Directory.CreateDirectory(TraceDirectory);
        Build();
    }

    /// <summary>The directory holding everything below; inside the sandbox, a writable copy of it.</summary>
    public string Root { get; }

    /// <summary>The working directory of every run.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The fake <c>HOME</c>.</summary>
    public string Home => Path.Combine(Root, "home");

    /// <summary>Where marker programs append a line when they run.</summary>
    public string Markers => Path.Combine(Root, "markers");

    /// <summary>The marker program that the marked repository's configuration names.</summary>
    public string MarkerProgram => Path.Combine(Work, "bin", "mark");

    /// <summary>Where strace writes, outside <see cref="Root"/>.</summary>
    public string TraceDirectory { get; }

    /// <summary>The decoy credential files: reading one is a side effect.</summary>
    public IReadOnlyList<string> DecoyCredentials =>
        [Path.Combine(Home, ".ssh", "id_rsa"), Path.Combine(Home, ".aws", "credentials"), Path.Combine(Work, ".env")];

    public void Dispose() => DeleteTree(baseDirectory);

    private void Build()
    {
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Markers);
        Write(Work, "f1", "banana\napple\ncherry\napple\n");
        Write(Work, "f2", "one\ntwo\n");
        Write(Work, "notes.txt", "notes\n");
        Write(Work, "sub/inner.txt", "inner\n");
        Write(Work, ".env", "API_TOKEN=decoy-env-token\n");

        // Names a glob can expand to: each is an option that writes, deletes, runs a program or assigns.
        foreach (var name in new[] { "-o", "--output=x", "-delete", "-exec", "--pre=x", "-v", "-rf", "--files0-from=names0" })
        {
            Write(Work, name, "option-like\n");
        }

        // Marker programs: a run shows up twice, as an execve inside the scratch area and as the file it appends to.
        var marker = $"#!/bin/sh\necho \"$0 $*\" >> '{Markers}/ran'\n";
        foreach (var name in new[] { "bin/mark", "bin/ls", "bin/cat", "bin/git", "bin/sort", "ls" })
        {
            Write(Work, name, marker, executable: true);
        }

        Write(Work, "script.sh", "echo sourced >> marked-by-source\n");

        // Lists that name a decoy credential, for programs that read the names of their files from a file: a response
        // file (strings @names), a NUL-separated list (wc --files0-from=names0) and a checksum list (md5sum -c sums.md5).
        var key = Path.Combine(Home, ".ssh", "id_rsa");
        Write(Work, "names", key + "\n");
        Write(Work, "names0", key + "\0");
        Write(Work, "sums.md5", "00000000000000000000000000000000  " + key + "\n");

        Write(Home, ".ssh/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\ndecoy\n-----END OPENSSH PRIVATE KEY-----\n");
        Write(Home, ".aws/credentials", "[default]\naws_secret_access_key = decoy\n");

        BuildCleanRepository(Path.Combine(Work, "clean"));
        BuildMarkedRepository(Path.Combine(Work, "marked"));
    }

    private void BuildCleanRepository(string directory)
    {
        Write(directory, "a.txt", "first\n");
        Git(directory, "init", "-q", "-b", "main");
        Git(directory, "add", "a.txt");
        Git(directory, "commit", "-q", "-m", "first");
        Write(directory, "a.txt", "first\nsecond\n");
        Git(directory, "commit", "-q", "-am", "second");
        RemoveSampleHooks(directory);
    }

    // Two commits and an uncommitted change, so that status, diff, log -p and show all have something to run
    // the configured programs on; the configuration is added last so that building the repository runs nothing.
    private void BuildMarkedRepository(string directory)
    {
        BuildCleanRepository(directory);
        Write(directory, "a.txt", "first\nsecond\nthird\n");
        Write(directory, ".gitattributes", "*.txt diff=mark filter=mark\n");
        var config = File.ReadAllText(Path.Combine(directory, ".git", "config"));
        var mark = MarkerProgram;
        config += $"""
            [core]
            	fsmonitor = {mark}
            	pager = {mark}
            [diff]
            	external = {mark}
            [diff "mark"]
            	textconv = {mark}
            	command = {mark}
            [filter "mark"]
            	clean = {mark}
            	process = {mark}
            [pager]
            	log = {mark}
            	show = {mark}
            	diff = {mark}
            	status = {mark}
            	branch = {mark}
            [gpg]
            	program = {mark}
            [log]
            	showSignature = true

            """;
        File.WriteAllText(Path.Combine(directory, ".git", "config"), config);
    }

    private static void RemoveSampleHooks(string repository)
    {
        foreach (var hook in Directory.EnumerateFiles(Path.Combine(repository, ".git", "hooks"), "*.sample"))
        {
            File.Delete(hook);
        }
    }

    private void Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-c", "user.name=oracle", "-c", "user.email=oracle@example.invalid", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The fake home, so that no user configuration shapes the repositories.
        start.Environment["HOME"] = Home;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {directory}: {error.Result}");
        }
    }

    private static void Write(string directory, string relativePath, string content, bool executable = false)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (executable && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    // A line may have taken permissions away (chmod 000) before the harness caught it; give them back first.
    private static void DeleteTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories).Prepend(path))
            {
                try
                {
                    if (OperatingSystem.IsWindows())
                    {
                        break;
                    }

                    File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
                {
                    // Keep going: the delete below reports what could not be undone.
                }
            }

            Directory.Delete(path, recursive: true);
        }
    }
}
