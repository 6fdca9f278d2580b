using System.Diagnostics.CodeAnalysis;

// CA1707 forbids underscores, and test names here are sentences (STYLE.md "Tests"). This branch predates
// main's NoWarn for CA1707 in the test project; once merged, this file is redundant and can go.
[assembly: SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "Test names are sentences (STYLE.md).",
    Scope = "namespaceanddescendants",
    Target = "~N:AgentExec.Tests.Core.Commands")]
