using System.Text;

namespace Edge.Benchmarks.Fuzz;

/// <summary>
/// Turns a receiver's answer (a reject reason, an error message) into an outcome class: quoted values, numbers and
/// JSON paths are blanked so that "cpu 5 is below 10" and "cpu 7 is below 10" are one class.
/// </summary>
internal static class OutcomeClass
{
    private const int MaxLength = 96;

    public static string Of(string prefix, string? detail)
    {
        if (string.IsNullOrEmpty(detail))
        {
            return prefix;
        }

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
}
