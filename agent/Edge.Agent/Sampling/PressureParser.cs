namespace Edge.Agent.Sampling;

/// <summary>
/// Parses a pressure stall information file (/proc/pressure/{cpu,memory,io}): lines <c>some avg10=.. avg60=..
/// avg300=.. total=..</c> and <c>full ...</c>, per the kernel's PSI documentation:
/// https://docs.kernel.org/accounting/psi.html. <c>full</c> is absent for cpu on kernels before 5.13.
/// </summary>
internal static class PressureParser
{
    /// <summary>False when no <c>some</c> line is present.</summary>
    public static bool TryParseAvg10(ReadOnlySpan<byte> text, out double some, out double? full)
    {
        some = 0;
        full = null;
        var hasSome = false;
        while (AsciiText.NextLine(ref text, out var line))
        {
            var rest = line;
            if (!AsciiText.NextField(ref rest, out var kind) || !AsciiText.NextField(ref rest, out var avg10)
                || !AsciiText.TryParseKeyValue(avg10, "avg10"u8, out var value))
            {
                continue;
            }

            if (kind.SequenceEqual("some"u8))
            {
                some = value;
                hasSome = true;
            }
            else if (kind.SequenceEqual("full"u8))
            {
                full = value;
            }
        }

        return hasSome;
    }
}
