using System.Text;
using System.Text.RegularExpressions;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Turns a receiver's answer (a reject reason, an error message) into an outcome class: quoted values, numbers and
/// JSON paths are blanked so that "cpu 5 is below 10" and "cpu 7 is below 10" are one class.
/// </summary>
internal static partial class OutcomeClass
{
    private const int MaxLength = 96;

    public static string Of(string prefix, string? detail)
    {
        if (string.IsNullOrEmpty(detail))
        {
            return prefix;
        }

        // System.Text.Json appends where it was ("Path: $.x | LineNumber: 0 | BytePositionInLine: 7."): the path is
        // already in the caller's text, the positions only split one class into many.
        var cut = detail.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = detail.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        if (cut > 0)
        {
            detail = detail[..cut];
        }

        // A JSON path naming an unknown key ($['a b']) would make every mutated key a class of its own.
        detail = OddKey().Replace(detail, "[?]");
        var text = new StringBuilder(prefix.Length + MaxLength).Append(prefix).Append(": ");
        var quote = '\0';
        var lastDigit = false;
        foreach (var c in detail)
        {
            if (text.Length >= prefix.Length + 2 + MaxLength)
            {
                break;
            }

            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                    text.Append('…').Append(c);
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                text.Append(c);
                continue;
            }

            if (char.IsDigit(c))
            {
                if (!lastDigit)
                {
                    text.Append('N');
                }

                lastDigit = true;
                continue;
            }

            lastDigit = false;
            text.Append(char.IsControl(c) ? ' ' : c);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\['(?:[^']|'(?!\]))*'\]")]
    private static partial Regex OddKey();
}
