using System.Diagnostics.CodeAnalysis;

// STYLE.md §8: a test name is a sentence about behaviour (I_can_…, Output_beyond_the_cap_is_drained_and_counted),
// which CA1707 (no underscores in member names) forbids for the public test methods xunit requires.
[assembly: SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "Test names are sentences (STYLE.md §8).",
    Scope = "namespaceanddescendants",
    Target = "~N:AgentExec.Tests")]
