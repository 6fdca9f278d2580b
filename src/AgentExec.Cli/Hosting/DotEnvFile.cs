using System.Text;
using AgentExec.Core.Configuration;
using dotenv.net;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Reads a <c>.env</c> file for the LLM variables only (SPEC.md "Command line"): never policy settings, never into the
/// process environment.
/// </summary>
/// <remarks>
/// <para>
/// dotenv.net rather than DotNetEnv: its <c>Read()</c> returns the pairs without setting a single variable, so the
/// allow-list is applied before anything takes effect, and it has no dependencies (DotNetEnv pulls in a parser
/// combinator library and an old Microsoft.Extensions.Configuration, and its convenient paths write the process
/// environment). Variable expansion is off: a value is taken literally, and the file cannot read other variables.
/// </para>
/// <para>
/// The file is often in the workspace, which the agent can write, so it is read defensively: only a regular file is
/// opened (a FIFO or device, or a link to one, is reported and skipped), anything over 64 KiB is refused, and a file
/// that cannot be parsed is reported and ignored.
/// </para>
/// </remarks>
internal static class DotEnvFile
{
    /// <summary>The file's name in the directory agentexec starts in.</summary>
    public const string FileName = ".env";

    /// <summary>The largest file read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Reads the pairs of <paramref name="path"/> whose names are in <paramref name="allowed"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="allowed">The names to keep.</param>
    /// <param name="ignoredNames">Names in the file that were not kept.</param>
    /// <param name="problem">Why the file could not be used, when it exists but cannot be read.</param>
    /// <returns>The kept pairs (empty when there is no file).</returns>
    public static IReadOnlyDictionary<string, string> Read(
        string path,
        IReadOnlyList<string> allowed,
        out IReadOnlyList<string> ignoredNames,
        out string? problem)
    {
        ignoredNames = [];
        problem = null;
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        byte[] content;
        try
        {
            // Opened only if it is a regular file, by the descriptor whose type was checked (RegularFile): a length checked
            // by path and then an open by path let a command that kept exchanging the file with a FIFO hang the start.
            if (!RegularFile.TryOpenForReading(path, out var handle))
            {
                // A folder named .env (a Python virtual environment, often) is no file of variables: skipped as if absent.
                problem = Directory.Exists(path) ? null : "is not a regular file";
                return kept;
            }

            if (handle is null)
            {
                return kept;
            }

            using (handle)
            {
                var length = RandomAccess.GetLength(handle);
                if (length > MaxBytes)
                {
                    problem = $"is larger than {MaxBytes} bytes";
                    return kept;
                }

                // One byte more than the limit is asked for, so a file that grew after its length was read is refused too.
                var buffer = new byte[MaxBytes + 1];
                var read = 0;
                int got;
                while (read < buffer.Length && (got = RandomAccess.Read(handle, buffer.AsSpan(read), read)) > 0)
                {
                    read += got;
                }

                if (read > MaxBytes)
                {
                    problem = $"is larger than {MaxBytes} bytes";
                    return kept;
                }

                if (read == 0)
                {
                    return kept;
                }

                content = buffer[..read];
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // NotSupportedException: on macOS the open does not check the type, and a pipe or device has no length.
            problem = "cannot be read: " + exception.Message;
            return kept;
        }

        IDictionary<string, string> pairs;
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            pairs = DotEnv.Fluent()
                .WithEnvStreams(stream)
                .WithoutProbeForEnv()
                .WithoutEnvironmentCascade()
                .WithoutVariableExpansion()
                .WithSupportExportSyntax()
                .WithSupportInlineComments()
                .WithTrimValues()
                .WithEncoding(Encoding.UTF8)
                .WithExceptions()
                .Read();
        }
#pragma warning disable CA1031 // A file we cannot parse is reported and ignored; it must not stop the server.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            problem = "cannot be parsed: " + exception.Message;
            return kept;
        }

        var ignored = new List<string>();
        foreach (var (name, value) in pairs)
        {
            if (allowed.Contains(name, StringComparer.Ordinal))
            {
                kept[name] = value;
            }
            else
            {
                ignored.Add(name);
            }
        }

        ignoredNames = ignored;
        return kept;
    }
}
