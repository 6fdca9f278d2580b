using System.Globalization;

namespace AgentExec.Tests.EndToEnd;

/// <summary>What the kernel says a process holds in memory: its resident set now and the highest it has been.</summary>
/// <param name="ResidentKiB"><c>VmRSS</c>: resident now, in KiB.</param>
/// <param name="PeakResidentKiB"><c>VmHWM</c>: the highest <c>VmRSS</c> since the process started, in KiB.</param>
/// <remarks>
/// Read from <c>/proc/PID/status</c> rather than through <see cref="System.Diagnostics.Process"/>, whose
/// <c>PeakWorkingSet64</c> is the same number but whose values are cached until <c>Refresh</c>; the file is what a
/// reader of the figures can check by hand.
/// </remarks>
internal readonly record struct ProcessMemory(long ResidentKiB, long PeakResidentKiB)
{
    /// <summary>Resident now, in MiB.</summary>
    public double ResidentMiB => ResidentKiB / 1024.0;

    /// <summary>The peak, in MiB.</summary>
    public double PeakResidentMiB => PeakResidentKiB / 1024.0;

    /// <summary>Reads the figures of process <paramref name="pid"/> (which must be alive).</summary>
    public static ProcessMemory Of(int pid)
    {
        long? resident = null, peak = null;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = KiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiB(line);
            }
        }

        return new ProcessMemory(
            resident ?? throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line"),
            peak ?? throw new InvalidOperationException($"/proc/{pid}/status has no VmHWM line"));
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"VmRSS {ResidentMiB:F1} MiB, VmHWM {PeakResidentMiB:F1} MiB");

    // "VmRSS:\t  154364 kB"
    private static long KiB(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
