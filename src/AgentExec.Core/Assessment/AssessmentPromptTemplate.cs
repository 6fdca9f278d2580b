using System.Diagnostics.CodeAnalysis;
using System.Text;
using AgentExec.Core.Configuration;

namespace AgentExec.Core.Assessment;

/// <summary>
/// The assessment prompt template (<c>prompts/sandbox-assessment.md</c>): a system part, a line <c>---</c>, a user
/// part, with <c>{{name}}</c> placeholders. Parsed once into literal and placeholder segments, so rendering is a single
/// pass by construction: a value is appended as it is and never scanned again, whatever it contains.
/// </summary>
/// <remarks>
/// Parsing is strict because the template decides what the model is told: an unknown placeholder (a typo), a stray
/// <c>{{</c>, an untrusted placeholder in the system part, or a user part that never shows the command is an error at
/// start-up rather than a prompt that silently says less than the user meant.
/// </remarks>
internal sealed class AssessmentPromptTemplate
{
    /// <summary>The embedded template's manifest resource name (see AgentExec.Core.csproj).</summary>
    public const string ResourceName = "AgentExec.Core.Assessment.sandbox-assessment.md";

    /// <summary>The largest template file read, in bytes: far more than any prompt needs, small enough to send.</summary>
    public const int MaxTemplateBytes = 64 * 1024;

    private const string Separator = "---";

    private static readonly Lazy<AssessmentPromptTemplate> EmbeddedTemplate = new(LoadEmbedded);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private AssessmentPromptTemplate(IReadOnlyList<PromptSegment> system, IReadOnlyList<PromptSegment> user, string source)
    {
        SystemPart = system;
        UserPart = user;
        Source = source;
    }

    /// <summary>The template built into the binary.</summary>
    public static AssessmentPromptTemplate Embedded => EmbeddedTemplate.Value;

    /// <summary>Where the template came from: <c>built-in</c> or the file's path.</summary>
    public string Source { get; }

    /// <summary>The system part's segments.</summary>
    public IReadOnlyList<PromptSegment> SystemPart { get; }

    /// <summary>The user part's segments.</summary>
    public IReadOnlyList<PromptSegment> UserPart { get; }

    /// <summary>Parses template text.</summary>
    /// <param name="text">The whole template.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <param name="template">The parsed template.</param>
    /// <param name="problem">Why the text is not a valid template.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryParse(
        string text,
        string source,
        [NotNullWhen(true)] out AssessmentPromptTemplate? template,
        [NotNullWhen(false)] out string? problem)
    {
        template = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var separatorLine = Array.FindIndex(lines, line => line.TrimEnd() == Separator);
        if (separatorLine < 0)
        {
            problem = "has no line '---' separating the system part from the user part";
            return false;
        }

        var systemText = string.Join('\n', lines[..separatorLine]).Trim();
        var userText = string.Join('\n', lines[(separatorLine + 1)..]).Trim();
        if (systemText.Length == 0 || userText.Length == 0)
        {
            problem = systemText.Length == 0 ? "has an empty system part" : "has an empty user part";
            return false;
        }

        if (!TrySplit(systemText, 1, out var system, out problem) || !TrySplit(userText, separatorLine + 2, out var user, out problem))
        {
            return false;
        }

        if (system.FirstOrDefault(s => s.IsPlaceholder && PromptPlaceholders.IsUntrusted(s.Text)) is { IsPlaceholder: true } leak)
        {
            problem = $"uses {{{{{leak.Text}}}}} in the system part; text from the agent or a command may only appear in the user part";
            return false;
        }

        if (!user.Any(s => s.IsPlaceholder && s.Text is PromptPlaceholders.CommandJoined or PromptPlaceholders.CommandArgv))
        {
            problem = "never shows the command: the user part needs {{command_joined}} or {{command_argv}}";
            return false;
        }

        template = new AssessmentPromptTemplate(system, user, source);
        return true;
    }

    /// <summary>Reads and parses a template file (the user config's <c>assessment_prompt</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="template">The parsed template.</param>
    /// <param name="problem">Why it cannot be used, as a sentence fragment after the path.</param>
    /// <returns>Whether it can be used.</returns>
    public static bool TryLoad(
        string path,
        [NotNullWhen(true)] out AssessmentPromptTemplate? template,
        [NotNullWhen(false)] out string? problem)
    {
        template = null;
        // The config reader refuses FIFOs and devices without opening them, and caps the size.
        var read = ConfigFileFormat.Read(path);
        if (read.State != ConfigFileState.Read)
        {
            problem = read.State == ConfigFileState.Missing ? "does not exist" : read.Problem;
            return false;
        }

        if (read.Content.Length > MaxTemplateBytes)
        {
            problem = $"is larger than {MaxTemplateBytes} bytes";
            return false;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(read.Content);
        }
        catch (DecoderFallbackException)
        {
            problem = "is not valid UTF-8";
            return false;
        }

        if (!TryParse(text.TrimStart('\uFEFF'), path, out template, out problem))
        {
            problem = "is not a valid assessment template: it " + problem;
            return false;
        }

        return true;
    }

    /// <summary>Fills both parts in one pass, asking <paramref name="valueOf"/> for each placeholder's final text.</summary>
    /// <param name="valueOf">The text that replaces a placeholder (already fenced where it must be).</param>
    /// <returns>The system and user texts.</returns>
    public (string System, string User) Render(Func<string, string> valueOf) =>
        (Fill(SystemPart, valueOf), Fill(UserPart, valueOf));

    private static string Fill(IReadOnlyList<PromptSegment> segments, Func<string, string> valueOf)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            text.Append(segment.IsPlaceholder ? valueOf(segment.Text) : segment.Text);
        }

        return text.ToString();
    }

    private static bool TrySplit(string part, int firstLine, out List<PromptSegment> segments, [NotNullWhen(false)] out string? problem)
    {
        segments = [];
        var position = 0;
        while (position < part.Length)
        {
            var open = part.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add(new PromptSegment(part[position..], false));
                break;
            }

            var close = part.IndexOf("}}", open + 2, StringComparison.Ordinal);
            var name = close < 0 ? null : part[(open + 2)..close];
            if (name is null || !PromptPlaceholders.IsKnown(name))
            {
                var line = firstLine + part.AsSpan(0, open).Count('\n');
                problem = name is null || name.Contains('\n', StringComparison.Ordinal)
                    ? $"has an unclosed '{{{{' on line {line}"
                    : $"uses the unknown placeholder {{{{{name}}}}} on line {line}; known: {string.Join(", ", PromptPlaceholders.Trusted.Concat(PromptPlaceholders.Untrusted).Select(p => "{{" + p + "}}"))}";
                return false;
            }

            if (open > position)
            {
                segments.Add(new PromptSegment(part[position..open], false));
            }

            segments.Add(new PromptSegment(name, true));
            position = close + 2;
        }

        problem = null;
        return true;
    }

    private static AssessmentPromptTemplate LoadEmbedded()
    {
        // A manifest resource survives trimming and Native AOT; no reflection over types is involved.
        using var stream = typeof(AssessmentPromptTemplate).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing; the build did not embed prompts/sandbox-assessment.md.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return TryParse(reader.ReadToEnd(), "built-in", out var template, out var problem)
            ? template
            : throw new InvalidOperationException($"The built-in assessment template is invalid: it {problem}.");
    }
}
