using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgentExec.Core.Configuration;
using AgentExec.Core.Crypto;
using AgentExec.Core.Execution;
using AgentExec.Core.Text;

namespace AgentExec.Core.Assessment;

/// <summary>
/// Turns an <see cref="AssessmentRequest"/> into the two messages of a fresh conversation: secrets redacted, untrusted
/// values cut to size and fenced with a new random nonce, everything substituted in one pass.
/// </summary>
/// <remarks>
/// Why a hostile command cannot change the prompt's structure: the template is split into its system and user parts
/// before anything is substituted, and the parts travel as separate messages, so a <c>---</c> in a value is only
/// text; substitution never rescans a value, so a <c>{{placeholder}}</c> in one stays text; and a fake marker cannot
/// close a fence because it cannot carry the nonce, which is drawn per request after the values are known.
/// </remarks>
internal sealed class AssessmentPromptWriter
{
    /// <summary>The most of the command line sent, in UTF-8 bytes: longer lines are cut, with a note.</summary>
    public const int CommandMaxBytes = 4096;

    /// <summary>The most of the argv (as JSON) sent, in UTF-8 bytes.</summary>
    public const int ArgvMaxBytes = 6144;

    /// <summary>The most of the working directory sent, in UTF-8 bytes.</summary>
    public const int WorkingDirectoryMaxBytes = 1024;

    /// <summary>The most of the justification sent, in UTF-8 bytes.</summary>
    public const int JustificationMaxBytes = 1024;

    /// <summary>The most of the sandbox failure output sent: 2 KiB (SPEC.md).</summary>
    public const int SandboxFailureMaxBytes = 2048;

    private const int MaxRoots = 32;

    // Redaction runs before the final cut, so a secret is never cut in half and missed; but not over megabytes of
    // text either. Four times the final size keeps every secret that could end up inside the part that is sent.
    private const int PreCutFactor = 4;

    private static readonly JsonWriterOptions ArgvJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly AssessmentPromptTemplate _template;
    private readonly SecretRedactor _redactor;
    private readonly string _platform;

    /// <summary>Creates a writer.</summary>
    /// <param name="template">The template (the built-in one, or the user's).</param>
    /// <param name="redactor">What to remove before anything leaves the machine.</param>
    /// <param name="platform">The platform line; <see cref="CurrentPlatform"/> outside tests.</param>
    public AssessmentPromptWriter(AssessmentPromptTemplate template, SecretRedactor redactor, string? platform = null)
    {
        _template = template;
        _redactor = redactor;
        _platform = platform ?? CurrentPlatform;
    }

    /// <summary>This machine's operating system and architecture, as the template's <c>{{platform}}</c>.</summary>
    public static string CurrentPlatform { get; } =
        $"{RuntimeInformation.OSDescription.Trim()} ({RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}), commands run with bash";

    /// <summary>Renders the prompt for <paramref name="request"/> with a fresh nonce.</summary>
    public AssessmentPrompt Write(AssessmentRequest request) => Write(request, NewNonce);

    /// <summary>Renders the prompt, drawing nonces from <paramref name="nonces"/> until one appears in no value.</summary>
    /// <param name="request">The request.</param>
    /// <param name="nonces">The nonce source (random outside tests).</param>
    /// <returns>The prompt.</returns>
    public AssessmentPrompt Write(AssessmentRequest request, Func<string> nonces)
    {
        var untrusted = new[] { request.CommandLine, request.WorkingDirectory, request.Justification ?? "", request.SandboxFailure ?? "" }
            .Concat(request.Argv)
            .ToArray();
        string nonce;
        do
        {
            nonce = nonces();
        }
        while (nonce.Length == 0 || untrusted.Any(value => value.Contains(nonce, StringComparison.Ordinal)));

        var (system, user) = _template.Render(name => ValueOf(name, request, nonce));
        return new AssessmentPrompt(system, user, nonce);
    }

    private static string NewNonce() => RandomToken.NewHex();

    private string ValueOf(string placeholder, AssessmentRequest request, string nonce) => placeholder switch
    {
        PromptPlaceholders.Platform => _platform,
        PromptPlaceholders.SandboxPolicy => DescribeSandbox(request),
        PromptPlaceholders.FilesystemRoots => DescribeRoots(request),
        PromptPlaceholders.FenceNonce => nonce,
        PromptPlaceholders.WorkingDirectory => Fence(request.WorkingDirectory, nonce, WorkingDirectoryMaxBytes),
        PromptPlaceholders.CommandJoined => Fence(request.CommandLine, nonce, CommandMaxBytes),
        PromptPlaceholders.CommandArgv => FenceArgv(request.Argv, nonce),
        PromptPlaceholders.Justification => string.IsNullOrEmpty(request.Justification)
            ? "(none given)"
            : Fence(request.Justification, nonce, JustificationMaxBytes),
        PromptPlaceholders.SandboxFailureMessage => string.IsNullOrEmpty(request.SandboxFailure)
            ? "(none: this is not a retry after a sandbox denial)"
            : Fence(request.SandboxFailure, nonce, SandboxFailureMaxBytes),
        _ => throw new InvalidOperationException($"The template parser let through the unknown placeholder {placeholder}."),
    };

    private string Fence(string value, string nonce, int maxBytes)
    {
        var (text, originalBytes) = RedactWithinLimit(value, maxBytes);
        return UntrustedDataFence.Wrap(text, nonce, maxBytes, originalBytes);
    }

    private string FenceArgv(IReadOnlyList<string> argv, string nonce)
    {
        var shortened = false;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ArgvJson))
        {
            writer.WriteStartArray();
            foreach (var argument in argv)
            {
                var (text, originalBytes) = RedactWithinLimit(argument, CommandMaxBytes);
                var cut = UntrustedText.TruncateUtf8(text, CommandMaxBytes);
                shortened |= originalBytes is not null || cut.Length < text.Length;
                writer.WriteStringValue(cut);
            }

            writer.WriteEndArray();
        }

        var json = Encoding.UTF8.GetString(buffer.ToArray());
        var originalJsonBytes = shortened ? Encoding.UTF8.GetByteCount(string.Concat(argv)) : (int?)null;
        return UntrustedDataFence.Wrap(json, nonce, ArgvMaxBytes, originalJsonBytes);
    }

    /// <summary>Redacts text that did not go into the prompt but is kept or shown beside it (an endpoint's error message).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with every secret the prompt would lose replaced.</returns>
    public string Redact(string text) => _redactor.Redact(text);

    private (string Text, int? OriginalBytes) RedactWithinLimit(string value, int maxBytes)
    {
        var limit = maxBytes * PreCutFactor;
        if (value.Length <= limit)
        {
            return (_redactor.Redact(value), null);
        }

        return (_redactor.Redact(value[..limit]), Encoding.UTF8.GetByteCount(value));
    }

    private static string DescribeSandbox(AssessmentRequest request)
    {
        var network = request.Network ? "network access is on" : "network access is off (no IP sockets, DNS included)";
        return request.Escalation switch
        {
            EscalationKind.RequireEscalated =>
                "none - the agent asked to run this command outside the sandbox, with all of the user's permissions and network access",
            EscalationKind.RetryWithoutSandbox =>
                "none - the sandbox denied an earlier attempt, and this is a retry without the sandbox, with all of the user's permissions and network access",
            _ => request.Sandbox switch
            {
                SandboxMode.ReadOnly => $"read-only - the command cannot write to the filesystem; {network}",
                SandboxMode.WorkspaceWrite =>
                    $"workspace-write - the command can write only inside the roots below and a private temporary directory (a repository's .git stays read-only); {network}",
                _ => "danger-full-access - no sandbox: the command runs with all of the user's permissions and network access",
            },
        };
    }

    private string DescribeRoots(AssessmentRequest request)
    {
        if (request.Escalation != EscalationKind.None || request.Sandbox == SandboxMode.DangerFullAccess)
        {
            return "- (no limit: every path the user can write)";
        }

        if (request.FilesystemRoots.Count == 0)
        {
            return "- (none: " + request.Sandbox.ToCode() + ")";
        }

        var lines = request.FilesystemRoots.Take(MaxRoots).Select(root => "- " + UntrustedText.EscapeLine(_redactor.Redact(root)));
        var more = request.FilesystemRoots.Count > MaxRoots ? $"\n- (and {request.FilesystemRoots.Count - MaxRoots} more)" : "";
        return string.Join('\n', lines) + more;
    }
}
