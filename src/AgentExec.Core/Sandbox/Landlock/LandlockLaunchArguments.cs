using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentExec.Core.Sandbox;

/// <summary>
/// The launcher's argument protocol, parsed strictly and formatted from one place so both sides cannot drift:
/// <code>
/// agentexec __landlock-exec [--write DIR]… [--tmpdir DIR] [--allow-network] [--abi-limit N] -- PROGRAM [ARG]…
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// <c>--write DIR</c> (repeatable): DIR and everything beneath it may be changed. <c>--tmpdir DIR</c> (at most once): a
/// fresh directory, writable like <c>--write</c>, that <c>TMPDIR</c> points to. <c>--allow-network</c>: leave sockets
/// alone; without it the network is off. <c>--abi-limit N</c> (1–<see cref="LandlockRights.NewestKnownAbi"/>): confine
/// as a kernel with Landlock ABI N would, which is how the older-kernel paths are tested on a newer one. Everything
/// after <c>--</c> is the command, run with the launcher's environment.
/// </para>
/// <para>
/// Strict means: options only in this exact spelling (no <c>--write=DIR</c>, no abbreviations), every path absolute with
/// no <c>.</c> or <c>..</c> component, no option repeated except <c>--write</c>, a <c>--</c> and a non-empty program
/// after it. Anything else is an error, and the launcher runs nothing. Whether the directories exist is checked when
/// they are opened, as a setup failure.
/// </para>
/// </remarks>
internal static class LandlockLaunchArguments
{
    private const string Write = "--write";
    private const string TemporaryDirectory = "--tmpdir";
    private const string AllowNetwork = "--allow-network";
    private const string AbiLimit = "--abi-limit";
    private const string EndOfOptions = "--";

    /// <summary>Parses the arguments that follow the launcher's verb.</summary>
    /// <returns>True with the options, or false with an error naming the offending argument.</returns>
    public static bool TryParse(IReadOnlyList<string> arguments, [NotNullWhen(true)] out LandlockLaunchOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        var writableRoots = new List<string>();
        string? temporaryDirectory = null;
        var networkAllowed = false;
        int? abiLimit = null;

        var index = 0;
        for (; index < arguments.Count && arguments[index] != EndOfOptions; index++)
        {
            var option = arguments[index];
            switch (option)
            {
                case Write:
                    if (!TryTakePath(arguments, ref index, out var root, out error))
                    {
                        return false;
                    }

                    writableRoots.Add(root);
                    break;

                case TemporaryDirectory:
                    if (temporaryDirectory is not null)
                    {
                        error = $"{TemporaryDirectory} is given twice";
                        return false;
                    }

                    if (!TryTakePath(arguments, ref index, out temporaryDirectory, out error))
                    {
                        return false;
                    }

                    break;

                case AllowNetwork:
                    if (networkAllowed)
                    {
                        error = $"{AllowNetwork} is given twice";
                        return false;
                    }

                    networkAllowed = true;
                    break;

                case AbiLimit:
                    if (abiLimit is not null)
                    {
                        error = $"{AbiLimit} is given twice";
                        return false;
                    }

                    if (!TryTakeValue(arguments, ref index, out var text, out error))
                    {
                        return false;
                    }

                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > LandlockRights.NewestKnownAbi)
                    {
                        error = $"{AbiLimit} must be a whole number from 1 to {LandlockRights.NewestKnownAbi}, not '{text}'";
                        return false;
                    }

                    abiLimit = limit;
                    break;

                default:
                    error = $"unknown option '{option}' (expected {Write}, {TemporaryDirectory}, {AllowNetwork}, {AbiLimit} or {EndOfOptions})";
                    return false;
            }
        }

        if (index >= arguments.Count)
        {
            error = $"no '{EndOfOptions}' before the command";
            return false;
        }

        var command = arguments.Skip(index + 1).ToArray();
        if (command.Length == 0 || command[0].Length == 0)
        {
            error = $"no command after '{EndOfOptions}'";
            return false;
        }

        options = new LandlockLaunchOptions(writableRoots, temporaryDirectory, networkAllowed, abiLimit, command);
        error = null;
        return true;
    }

    /// <summary>The arguments (after the verb) that <see cref="TryParse"/> turns back into <paramref name="options"/>.</summary>
    public static IReadOnlyList<string> Format(LandlockLaunchOptions options)
    {
        var arguments = new List<string>();
        foreach (var root in options.WritableRoots)
        {
            arguments.Add(Write);
            arguments.Add(root);
        }

        if (options.TemporaryDirectory is { } temporaryDirectory)
        {
            arguments.Add(TemporaryDirectory);
            arguments.Add(temporaryDirectory);
        }

        if (options.NetworkAllowed)
        {
            arguments.Add(AllowNetwork);
        }

        if (options.AbiLimit is { } abiLimit)
        {
            arguments.Add(AbiLimit);
            arguments.Add(abiLimit.ToString(CultureInfo.InvariantCulture));
        }

        arguments.Add(EndOfOptions);
        arguments.AddRange(options.Command);
        return arguments;
    }

    private static bool TryTakeValue(IReadOnlyList<string> arguments, ref int index, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        var option = arguments[index];
        if (index + 1 >= arguments.Count || arguments[index + 1] == EndOfOptions)
        {
            value = null;
            error = $"{option} needs a value";
            return false;
        }

        index++;
        value = arguments[index];
        error = null;
        return true;
    }

    private static bool TryTakePath(IReadOnlyList<string> arguments, ref int index, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? error)
    {
        var option = arguments[index];
        if (!TryTakeValue(arguments, ref index, out path, out error))
        {
            return false;
        }

        if (!path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal) || path.Split('/').Any(component => component is "." or ".."))
        {
            error = $"{option} needs an absolute path without '.' or '..' components, not '{path}'";
            path = null;
            return false;
        }

        return true;
    }
}
