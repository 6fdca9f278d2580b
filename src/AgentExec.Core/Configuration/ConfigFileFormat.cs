using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using AgentExec.Core.Text;

namespace AgentExec.Core.Configuration;

/// <summary>Reading and parsing the JSON config files: the user config and a workspace's <c>agentexec.json</c>.</summary>
/// <remarks>
/// Parsed by hand with <see cref="JsonDocument"/> rather than deserialised, so that every wrong type can be reported with
/// the key that holds it, and nothing needs reflection (Native AOT). Comments and trailing commas are accepted because
/// people edit these files by hand; duplicate keys are refused because the JSON readers disagree about which one wins
/// (<c>"decision": "forbidden", "decision": "allow"</c> must not be a puzzle).
/// </remarks>
internal static class ConfigFileFormat
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    /// <summary>Reads a file's bytes, refusing more than <see cref="SettingBounds.MaxConfigFileBytes"/>.</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>What was found; never throws for I/O reasons.</returns>
    public static ConfigFileRead Read(string path)
    {
        if (!RealPath.TryResolve(path, out var realPath, out var exists))
        {
            return ConfigFileRead.Unreadable("cannot be resolved (a symbolic-link loop, or a directory that cannot be read)");
        }

        if (!exists)
        {
            return ConfigFileRead.Missing;
        }

        try
        {
            // Opening a FIFO blocks until someone writes to it, and a file in the workspace may be anything the agent
            // made it. A FIFO or device reports a length of 0, and so does an empty file, which is not JSON anyway: so a
            // zero length is refused without opening, and a swap between this check and the open is caught below.
            var info = new FileInfo(realPath);
            if (!info.Exists)
            {
                return ConfigFileRead.Unreadable(Directory.Exists(realPath) ? "is a directory, not a file" : "disappeared while being read");
            }

            if (info.Length == 0)
            {
                // A bubblewrap run's stand-in for a missing agentexec.json (WorkspacePlaceholders) is no config at all.
                return PlaceholderEntry.IsPlaceholder(realPath) ? ConfigFileRead.Missing : ConfigFileRead.Unreadable("is empty (or not a regular file)");
            }

            // The length was checked by path, and the agent can swap the file for a FIFO before the open: a command that
            // kept exchanging agentexec.json with one (renameat2 RENAME_EXCHANGE) hung agentexec run for good and froze
            // the rule book's reloading in serve. RegularFile opens only what is a regular file at the open.
            if (!RegularFile.TryOpenForReading(realPath, out var handle))
            {
                return ConfigFileRead.Unreadable("is not a regular file (a FIFO or device was put in its place)");
            }

            if (handle is null)
            {
                return ConfigFileRead.Missing;
            }

            using var stream = new FileStream(handle, FileAccess.Read);

            using var content = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                content.Write(buffer, 0, read);
                if (content.Length > SettingBounds.MaxConfigFileBytes)
                {
                    return ConfigFileRead.Unreadable($"is larger than {SettingBounds.MaxConfigFileBytes} bytes");
                }
            }

            return new ConfigFileRead(ConfigFileState.Read, content.ToArray(), "");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return ConfigFileRead.Missing;
        }
        catch (UnauthorizedAccessException)
        {
            // On Unix this is also what opening a directory throws.
            return ConfigFileRead.Unreadable("cannot be read (permission denied, or not a file)");
        }
        catch (IOException exception)
        {
            return ConfigFileRead.Unreadable($"cannot be read: {exception.Message}");
        }
    }

    /// <summary>Parses a file's bytes as one JSON object.</summary>
    /// <param name="content">UTF-8 bytes, with or without a byte-order mark.</param>
    /// <param name="root">The object (detached from any document), when it parsed.</param>
    /// <param name="problem">Why it is not a JSON object, as a phrase that follows the file's name.</param>
    /// <returns>Whether the bytes are one JSON object.</returns>
    public static bool TryParseObject(byte[] content, out JsonElement root, [NotNullWhen(false)] out string? problem)
    {
        ReadOnlyMemory<byte> json = content;
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        // The reader checks UTF-8 only where a string is decoded, and a \u escape may name half of a surrogate pair
        // ("\ud800"), which no string can hold: either would throw later, wherever a key or value is read (start-up
        // would end in an unhandled exception). Both are refused here, as a problem with the file.
        if (!Utf8.IsValid(json.Span))
        {
            root = default;
            problem = "is not valid UTF-8 text";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json, JsonOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                root = default;
                problem = $"must hold a JSON object, not {SettingNames.Describe(document.RootElement.ValueKind)}";
                return false;
            }

            if (!JsonUnicode.EveryStringDecodes(document.RootElement))
            {
                root = default;
                problem = UnpairedSurrogate;
                return false;
            }

            root = document.RootElement.Clone();
            problem = null;
            return true;
        }
        catch (JsonException exception)
        {
            root = default;
            problem = "is not valid JSON: " + DescribeJsonError(exception);
            return false;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check decodes the keys while parsing, and throws on an escaped half surrogate pair.
            root = default;
            problem = UnpairedSurrogate;
            return false;
        }
    }

    private const string UnpairedSurrogate = "is not valid JSON text: a \\u escape names half of a surrogate pair";

    private static string DescribeJsonError(JsonException exception)
    {
        // The reader appends " LineNumber: 0 | BytePositionInLine: 9." (zero-based); people count from one.
        var message = exception.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message[..suffix];
        }

        // The message can quote bytes of the file, which may come from the agent.
        message = UntrustedText.EscapeLine(message);
        return exception.LineNumber is { } line
            ? $"{message} (line {line + 1}, byte {(exception.BytePositionInLine ?? 0) + 1})"
            : message;
    }
}
