namespace AgentExec.Core.Assessment;

/// <summary>
/// Equality of two <see cref="AssessmentRequest"/>s as inputs to the model: every field, lists item by item. (The
/// record's own equality compares the lists by reference, which would never find an earlier request.)
/// </summary>
internal sealed class AssessmentRequestComparer : IEqualityComparer<AssessmentRequest>
{
    /// <summary>The one instance.</summary>
    public static AssessmentRequestComparer Instance { get; } = new();

    private AssessmentRequestComparer()
    {
    }

    /// <inheritdoc />
    public bool Equals(AssessmentRequest? x, AssessmentRequest? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        return x.CommandLine == y.CommandLine
            && x.WorkingDirectory == y.WorkingDirectory
            && x.Sandbox == y.Sandbox
            && x.Justification == y.Justification
            && x.SandboxFailure == y.SandboxFailure
            && x.Escalation == y.Escalation
            && x.Network == y.Network
            && x.Argv.SequenceEqual(y.Argv, StringComparer.Ordinal)
            && x.FilesystemRoots.SequenceEqual(y.FilesystemRoots, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public int GetHashCode(AssessmentRequest obj)
    {
        var hash = new HashCode();
        hash.Add(obj.CommandLine, StringComparer.Ordinal);
        hash.Add(obj.WorkingDirectory, StringComparer.Ordinal);
        hash.Add(obj.Sandbox);
        hash.Add(obj.Justification, StringComparer.Ordinal);
        hash.Add(obj.SandboxFailure, StringComparer.Ordinal);
        hash.Add(obj.Escalation);
        hash.Add(obj.Network);
        foreach (var argument in obj.Argv)
        {
            hash.Add(argument, StringComparer.Ordinal);
        }

        foreach (var root in obj.FilesystemRoots)
        {
            hash.Add(root, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
