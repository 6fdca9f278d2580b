using System.Text;

namespace AgentExec.Tests.Oracle;

/// <summary>One completed system call from an <c>strace -f -y</c> log.</summary>
/// <param name="Pid">The process (or thread) that made the call.</param>
/// <param name="Call">The system call's name.</param>
/// <param name="Arguments">The top-level arguments as strace printed them.</param>
/// <param name="Result">The return value, or null when strace printed <c>?</c>.</param>
/// <param name="ResultPath">What a returned descriptor refers to (<c>-y</c>'s <c>&lt;…&gt;</c>), or null.</param>
/// <param name="Error">The errno name of a failed call (<c>ENOENT</c>), or null.</param>
/// <param name="Text">The call as strace printed it, for reports.</param>
internal sealed record TraceEvent(
    int Pid,
    string Call,
    IReadOnlyList<string> Arguments,
    long? Result,
    string? ResultPath,
    string? Error,
    string Text)
{
    /// <summary>True when the call returned without an error.</summary>
    public bool Succeeded => Error is null && Result is not < 0;

    /// <summary>The C string literal in argument <paramref name="index"/>, decoded, or null when it is not one.</summary>
    public string? StringArgument(int index) =>
        index < Arguments.Count && Arguments[index].StartsWith('"') ? DecodeString(Arguments[index]) : null;

    /// <summary>The path strace attached to the descriptor in argument <paramref name="index"/> (<c>AT_FDCWD&lt;/x&gt;</c> → <c>/x</c>).</summary>
    public string? DescriptorPath(int index)
    {
        if (index >= Arguments.Count)
        {
            return null;
        }

        var argument = Arguments[index];
        var open = argument.IndexOf('<', StringComparison.Ordinal);
        return open >= 0 && argument.EndsWith('>') ? argument[(open + 1)..^1] : null;
    }

    /// <summary>
    /// The path that the pair (directory descriptor, path) names: absolute paths as they are, relative ones
    /// joined to the directory strace resolved; relative ones without a directory (the non-<c>at</c> calls) as written.
    /// </summary>
    public string? PathArgument(int pathIndex, int? directoryIndex = null)
    {
        var path = StringArgument(pathIndex);
        if (path is null || path.StartsWith('/'))
        {
            return path is null ? null : Normalize(path);
        }

        return directoryIndex is { } d && DescriptorPath(d) is { } directory && directory.StartsWith('/')
            ? Normalize(Path.Join(directory, path))
            : path;
    }

    // Lexical only: "..", "." and doubled slashes; symlinks are left to the kernel's answer (ResultPath).
    private static string Normalize(string path) => Path.GetFullPath(path);

    /// <summary>Decodes a C string literal as strace prints it (<c>\n</c>, <c>\"</c>, <c>\ooo</c>, <c>\xhh</c>), trailing <c>...</c> dropped.</summary>
    public static string DecodeString(string literal)
    {
        var bytes = new List<byte>();
        var i = 1;
        while (i < literal.Length && literal[i] != '"')
        {
            var c = literal[i];
            if (c != '\\' || i + 1 >= literal.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                i++;
                continue;
            }

            var next = literal[i + 1];
            i += 2;
            switch (next)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 'v': bytes.Add((byte)'\v'); break;
                case 'f': bytes.Add((byte)'\f'); break;
                case 'x':
                    var hexEnd = i;
                    while (hexEnd < literal.Length && hexEnd - i < 2 && Uri.IsHexDigit(literal[hexEnd]))
                    {
                        hexEnd++;
                    }

                    bytes.Add(Convert.ToByte(literal[i..hexEnd], 16));
                    i = hexEnd;
                    break;
                case >= '0' and <= '7':
                    var octalEnd = i;
                    while (octalEnd < literal.Length && octalEnd - i < 2 && literal[octalEnd] is >= '0' and <= '7')
                    {
                        octalEnd++;
                    }

                    bytes.Add((byte)Convert.ToInt32(literal[(i - 1)..octalEnd], 8));
                    i = octalEnd;
                    break;
                default:
                    bytes.AddRange(Encoding.UTF8.GetBytes(next.ToString()));
                    break;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
