using System.Text;
using System.Text.Json.Nodes;
using AgentExec.Core.Audit;

namespace AgentExec.Tests.Core.Audit;

/// <summary>What a tamperer (or a crash) does to the file, byte by byte, plus a quick way to write a real log.</summary>
internal static class AuditFileEdits
{
    public static async Task<List<AuditHead>> WriteEventsAsync(string path, int count, TimeProvider? clock = null)
    {
        var log = new JsonLinesAuditLog(path, clock ?? ManualTimeProvider.At("2026-11-25T10:00:00.123Z"));
        var heads = new List<AuditHead>();
        for (var i = 1; i <= count; i++)
        {
            heads.Add(await log.AppendAsync(
                new AuditEvent(AuditEventNames.CallReceived, new JsonObject { ["command"] = $"echo {i}", ["n"] = i }),
                CancellationToken.None));
        }

        return heads;
    }

    /// <summary>The file's lines as bytes, split on newlines; a final newline does not start another line.</summary>
    public static List<byte[]> ReadLines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            lines.Add(bytes[start..]);
        }

        return lines;
    }

    public static List<string> ReadTextLines(string path) => ReadLines(path).Select(Encoding.UTF8.GetString).ToList();

    public static void WriteLines(string path, IEnumerable<byte[]> lines, bool finalNewline = true)
    {
        var joined = string.Join('\n', lines.Select(Encoding.UTF8.GetString));
        File.WriteAllText(path, finalNewline ? joined + "\n" : joined);
    }

    public static void WriteTextLines(string path, IEnumerable<string> lines, bool finalNewline = true) =>
        WriteLines(path, lines.Select(Encoding.UTF8.GetBytes), finalNewline);

    public static void AppendText(string path, string text) => File.AppendAllText(path, text);
}
