using System.Globalization;
using System.Text;
using CsCheck;

namespace AgentExec.Tests.Fuzz;

/// <summary>
/// Generators of what a broken or hostile client writes to an MCP stdio server: requests with odd ids, methods and
/// params, notifications, stray responses, batches, truncated and concatenated lines, invalid UTF-8, a BOM, raw CR,
/// huge strings, deep nesting and random bytes. A recipe takes a serial number, so that every id in a session is
/// unique and each response can be told apart.
/// </summary>
internal static class FramingGenerators
{
    private static readonly string[] Methods =
    [
        "ping", "tools/list", "tools/call", "initialize", "logging/setLevel", "resources/list", "resources/read",
        "prompts/list", "prompts/get", "completion/complete", "tasks/get", "tasks/list", "sampling/createMessage",
        "elicitation/create", "roots/list", "notifications/cancelled", "rpc.discover", "",
    ];

    private static readonly string[] NotificationMethods =
    [
        "notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed",
        "notifications/message", "notifications/elicitation/complete", "ping", "tools/call",
    ];

    // Known-safe commands that end at once, commands that need a human (never asked here: the client cannot
    // elicit, so they are denied and must not run), and invalid ones.
    private static readonly string[] Commands =
    [
        "echo fuzz", "true", "pwd", "printf x", "echo ünï 😀", "", "   ", "rm -rf victim", "echo $(rm -rf victim)",
        "ls victim", "cat victim/precious.txt", "echo a; rm -rf victim", "bash -c 'rm -rf victim'", "echo\u0000x",
        "echo \u202Eevil", "false",
    ];

    private static readonly Gen<JsonTree> Leaf = JsonGenerators.Leaf;

    private static readonly Gen<JsonTree> ShellArguments =
        Gen.Frequency(
            (4, Gen.OneOf(Commands).Select(JsonTree.Of)),
            (1, JsonGenerators.AnyValue)).Select(
            Gen.Frequency((3, Gen.Const(JsonTree.Null)), (1, Gen.OneOf("/", "relative", "/nonexistent/x", "/tmp", "").Select(JsonTree.Of)), (1, Leaf)),
            Gen.Frequency((3, Gen.Const(JsonTree.Null)), (2, Gen.OneOf("2000", "1", "0", "-1", "3600001", "1.5", "1e400", "\"5\"").Select(spelling => spelling.StartsWith('"') ? JsonTree.Of(spelling.Trim('"')) : new JsonTree.NumberValue(spelling))), (1, Leaf)),
            Gen.Frequency((3, Gen.Const(JsonTree.Null)), (1, JsonGenerators.WordOrNearMiss(["use_default", "require_escalated"]).Select(JsonTree.Of)), (1, Leaf)),
            Gen.Frequency((3, Gen.Const(JsonTree.Null)), (1, JsonGenerators.LongText.Select(JsonTree.Of)), (1, JsonGenerators.AnyValue)),
            (command, workdir, timeout, escalation, justification) => (JsonTree)JsonGenerators.ObjectOf(new (string Key, JsonTree Value)[]
            {
                ("command", command), ("workdir", workdir), ("timeout_ms", timeout), ("sandbox_permissions", escalation), ("justification", justification),
            }.Where(member => member.Key == "command" || member.Value is not JsonTree.NullValue)));

    private static readonly Gen<JsonTree> ToolCallParams =
        from name in JsonGenerators.WordOrNearMiss(["shell"])
        from arguments in Gen.Frequency((5, ShellArguments), (1, JsonGenerators.AnyValue))
        from progress in Gen.Frequency((3, Gen.Const(JsonTree.Null)), (1, Leaf), (1, JsonGenerators.AnyValue))
        select (JsonTree)JsonGenerators.ObjectOf(progress is JsonTree.NullValue
            ? [("name", JsonTree.Of(name)), ("arguments", arguments)]
            : [("name", JsonTree.Of(name)), ("arguments", arguments), ("_meta", JsonTree.Object(("progressToken", progress)))]);

    /// <summary>Params: absent (null here), JSON null, a tool call, or anything.</summary>
    private static readonly Gen<JsonTree?> Params = Gen.Frequency(
        (2, Gen.Const((JsonTree?)null)),
        (1, Gen.Const((JsonTree?)JsonTree.Null)),
        (3, ToolCallParams.Select(value => (JsonTree?)value)),
        (3, JsonGenerators.AnyValue.Select(value => (JsonTree?)value)));

    private static readonly Gen<string> Method = Gen.Frequency(
        (6, Gen.OneOf(Methods)),
        (2, JsonGenerators.WordOrNearMiss(Methods)));

    /// <summary>A well-formed request: the server owes it exactly one response.</summary>
    private static readonly Gen<Func<int, byte[]>> Request =
        from idStyle in Gen.Int[0, 4]
        from method in Method
        from parameters in Params
        from order in Gen.Int[0, 23]
        from spelling in Gen.Frequency((2, Gen.Const(0)), (3, Gen.Int[1, int.MaxValue]))
        select (Func<int, byte[]>)(serial => Utf8(JsonTreeText.Write(RequestTree(Id(idStyle, serial), method, parameters, order), spelling)));

    /// <summary>A request whose id MCP does not allow (null, fractional, boolean, structured, too big, not text).</summary>
    private static readonly Gen<Func<int, byte[]>> OddIdRequest =
        from idStyle in Gen.Int[5, 12]
        from method in Method
        from parameters in Params
        select (Func<int, byte[]>)(serial => Utf8(JsonTreeText.Write(RequestTree(Id(idStyle, serial), method, parameters, 0))));

    private static readonly Gen<Func<int, byte[]>> Notification =
        from method in Gen.Frequency((4, Gen.OneOf(NotificationMethods)), (1, JsonGenerators.WordOrNearMiss(NotificationMethods)))
        from parameters in Gen.Frequency((1, Params), (2, Gen.Const((JsonTree?)null)))
        from cancelled in Gen.Frequency((3, Gen.Const(JsonTree.Null)), (1, Leaf))
        select (Func<int, byte[]>)(serial => Utf8(JsonTreeText.Write(JsonGenerators.ObjectOf(new (string Key, JsonTree? Value)[]
        {
            ("jsonrpc", JsonTree.Of("2.0")),
            ("method", JsonTree.Of(method)),
            // A cancellation names a request nobody made: one that cancelled a real request would rightly go unanswered.
            ("params", method == "notifications/cancelled" ? JsonTree.Object(("requestId", cancelled is JsonTree.NullValue ? JsonTree.Of($"nobody-{serial}") : cancelled)) : parameters),
        }.Where(member => member.Value is not null).Select(member => (member.Key, member.Value!))))));

    /// <summary>A response to a request the server never sent.</summary>
    private static readonly Gen<Func<int, byte[]>> StrayResponse =
        from idStyle in Gen.Int[0, 12]
        from asError in Gen.Bool
        from value in JsonGenerators.AnyValue
        select (Func<int, byte[]>)(serial => Utf8(JsonTreeText.Write(JsonTree.Object(
            ("jsonrpc", JsonTree.Of("2.0")),
            ("id", Id(idStyle, serial)),
            asError ? ("error", JsonTree.Object(("code", new JsonTree.NumberValue("-32603")), ("message", value))) : ("result", value)))));

    /// <summary>A request that breaks a rule of JSON-RPC's Request object: no or another jsonrpc, a member twice, a member more.</summary>
    private static readonly Gen<Func<int, byte[]>> MisshapenRequest =
        from flaw in Gen.Int[0, 6]
        from value in JsonGenerators.AnyValue
        select (Func<int, byte[]>)(serial =>
        {
            var id = Id(0, serial);
            var ping = JsonTree.Of("ping");
            (string, JsonTree)[] members = flaw switch
            {
                0 => [("id", id), ("method", ping)],
                1 => [("jsonrpc", JsonTree.Of("1.0")), ("id", id), ("method", ping)],
                2 => [("jsonrpc", new JsonTree.NumberValue("2.0")), ("id", id), ("method", ping)],
                3 => [("jsonrpc", JsonTree.Of("2.0")), ("id", id), ("method", ping), ("id", Id(2, serial))],
                4 => [("jsonrpc", JsonTree.Of("2.0")), ("id", id), ("method", ping), ("method", JsonTree.Of("tools/list"))],
                5 => [("jsonrpc", JsonTree.Of("2.0")), ("id", id), ("method", ping), ("result", value)],
                _ => [("jsonrpc", JsonTree.Of("2.0")), ("id", id), ("method", value)],
            };
            return Utf8(JsonTreeText.Write(JsonTree.Object(members)));
        });

    /// <summary>A request cut short, two on one line, a request and garbage, or a batch.</summary>
    private static readonly Gen<Func<int, byte[]>> BrokenLine =
        from kind in Gen.Int[0, 3]
        from cut in Gen.Double[0, 1]
        from tail in JsonGenerators.AnyString
        select (Func<int, byte[]>)(serial =>
        {
            var first = JsonTreeText.Write(RequestTree(Id(0, serial), "ping", null, 0));
            var second = JsonTreeText.Write(RequestTree(Id(2, serial), "tools/list", null, 0));
            return Utf8(kind switch
            {
                0 => first[..Math.Clamp((int)(cut * first.Length), 1, first.Length - 1)],
                1 => first + second,
                2 => first + tail,
                _ => "[" + first + "," + second + "]",
            });
        });

    /// <summary>A request with bytes that are not UTF-8 in a string, a BOM or raw control characters, or CR in its whitespace.</summary>
    private static readonly Gen<Func<int, byte[]>> BadBytes =
        from kind in Gen.Int[0, 5]
        from junk in Gen.OneOf<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0x00], [0x1B, 0x5B, 0x32, 0x4A])
        select (Func<int, byte[]>)(serial =>
        {
            var marker = "MARK";
            var text = JsonTreeText.Write(RequestTree(Id(0, serial), "tools/call", JsonTree.Object(("name", JsonTree.Of("shell")), ("arguments", JsonTree.Object(("command", JsonTree.Of("echo " + marker))))), 0));
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            byte[] before = Utf8(text[..at]), after = Utf8(text[(at + marker.Length)..]);
            return kind switch
            {
                0 => [.. before, .. junk, .. after],
                1 => [0xEF, 0xBB, 0xBF, .. Utf8(text)],
                2 => Utf8(text.Replace(",", ",\r", StringComparison.Ordinal)),
                3 => Utf8("\t " + text + " \t"),
                4 => Utf8(text.Replace(marker, "a\u2028b\u0085c", StringComparison.Ordinal)),
                _ => [.. junk],
            };
        });

    /// <summary>Huge strings and deep nesting, inside a request (owed an answer up to the depth the judge reads) or alone.</summary>
    private static readonly Gen<Func<int, byte[]>> Big =
        from kind in Gen.Int[0, 4]
        from size in Gen.Frequency((3, Gen.Int[10, 400]), (2, Gen.Int[513, 5_000]), (1, Gen.Int[5_000, 200_000]))
        from length in Gen.Frequency((3, Gen.Int[1_000, 100_000]), (1, Gen.Int[100_000, 3_000_000]))
        select (Func<int, byte[]>)(serial =>
        {
            var deep = string.Concat(Enumerable.Repeat("[", size)) + string.Concat(Enumerable.Repeat("]", size));
            var request = JsonTreeText.Write(RequestTree(Id(0, serial), "ping", JsonTree.Object(("x", new JsonTree.NumberValue("0"))), 0));
            return Utf8(kind switch
            {
                0 => request.Replace("0}", deep + "}", StringComparison.Ordinal),
                1 => request.Replace("0}", "\"" + new string('a', length) + "\"}", StringComparison.Ordinal),
                2 => JsonTreeText.Write(RequestTree(JsonTree.Of($"f{serial}" + new string('i', length)), "ping", null, 0)),
                3 => string.Concat(Enumerable.Repeat("{\"a\":", size)),
                _ => deep,
            });
        });

    /// <summary>Any JSON value as a line, blank lines, and random bytes.</summary>
    private static readonly Gen<Func<int, byte[]>> Noise = Gen.Frequency(
        (3, Gen.Select(JsonGenerators.AnyValue, Gen.Int).Select(sample => (Func<int, byte[]>)(_ => Utf8(JsonTreeText.Write(sample.Item1, sample.Item2))))),
        (1, Gen.OneOf("", " ", "\t", "\r", "\r\n").Select(blank => (Func<int, byte[]>)(_ => Utf8(blank)))),
        (3, Gen.Byte.Array[0, 120].Select(bytes => (Func<int, byte[]>)(_ => bytes))));

    /// <summary>One line recipe of any kind.</summary>
    public static readonly Gen<Func<int, byte[]>> Line = Gen.Frequency(
        (8, Request),
        (2, OddIdRequest),
        (2, Notification),
        (2, StrayResponse),
        (2, MisshapenRequest),
        (2, BrokenLine),
        (2, BadBytes),
        (1, Big),
        (3, Noise));

    /// <summary>A session's input: one to three batches of one to twelve lines, each line judged, ids unique across the session.</summary>
    public static readonly Gen<FramingLine[][]> Batches =
        Line.Array[1, 12].Array[1, 3].Select(batches => batches
            .Select((lines, batch) => lines.Select((line, i) => FramingLine.Judge(line(((batch + 1) * 1000) + i))).ToArray())
            .ToArray());

    /// <summary>The batches for a report.</summary>
    public static string Print(FramingLine[][] batches) =>
        string.Join("\n", batches.Select((lines, batch) => $"batch {batch + 1}:\n" + string.Join("\n", lines.Select(line => "  " + line))));

    // Styles 0-4 are ids MCP allows (strings and 64-bit integers); 5-12 are ids it does not.
    private static JsonTree Id(int style, int serial) => style switch
    {
        0 => JsonTree.Of($"f{serial}"),
        1 => JsonTree.Of($"f{serial}-é😀\u2028\"\\"),
        2 => new JsonTree.NumberValue((1_000_000 + serial).ToString(CultureInfo.InvariantCulture)),
        3 => new JsonTree.NumberValue((-1_000_000 - serial).ToString(CultureInfo.InvariantCulture)),
        4 => JsonTree.Of($" {serial} "),
        5 => new JsonTree.NumberValue($"{serial}.5"),
        6 => JsonTree.Null,
        7 => new JsonTree.BoolValue(true),
        8 => JsonTree.Object(("n", new JsonTree.NumberValue(serial.ToString(CultureInfo.InvariantCulture)))),
        9 => new JsonTree.ArrayValue([JsonTree.Of($"f{serial}")]),
        10 => new JsonTree.NumberValue($"99999999999999999999{serial}"),
        11 => JsonTree.Of($"f{serial}\uD800"),
        _ => new JsonTree.NumberValue($"{serial}e0"),
    };

    // The members of a request in one of 24 orders (params may be absent).
    private static JsonTree.ObjectValue RequestTree(JsonTree id, string method, JsonTree? parameters, int order)
    {
        List<(string Key, JsonTree Value)> members = [("jsonrpc", JsonTree.Of("2.0")), ("id", id), ("method", JsonTree.Of(method))];
        if (parameters is not null)
        {
            members.Add(("params", parameters));
        }

        // `order` read as a mixed-radix number picks the permutation.
        var ordered = new List<(string Key, JsonTree Value)>();
        var remaining = order;
        while (members.Count > 0)
        {
            var at = remaining % members.Count;
            remaining /= members.Count;
            ordered.Add(members[at]);
            members.RemoveAt(at);
        }

        return JsonGenerators.ObjectOf(ordered);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
