using System.Diagnostics.CodeAnalysis;

// Test names are sentences with underscores (STYLE.md "Tests"); CA1707 forbids exactly that. Scoped to this folder's
// namespace so it does not decide for other test folders; a NoWarn in the test project would be the better home.
[assembly: SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "Test names are sentences (STYLE.md).",
    Scope = "namespaceanddescendants",
    Target = "~N:AgentExec.Tests.Core.Audit")]
