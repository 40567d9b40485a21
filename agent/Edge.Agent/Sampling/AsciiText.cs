using System.Buffers.Text;

namespace Edge.Agent.Sampling;

/// <summary>Allocation-free helpers for walking the ASCII text of kernel files: lines and whitespace-separated fields.</summary>
internal static class AsciiText
{
    /// <summary>Cuts the next line off <paramref name="text"/>; false when nothing is left.</summary>
    public static bool NextLine(scoped ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty)
        {
            line = default;
            return false;
        }

        var newline = text.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = text;
            text = default;
        }
        else
        {
            line = text[..newline];
            text = text[(newline + 1)..];
        }

        return true;
    }

    /// <summary>Cuts the next field (run of non-blank bytes) off <paramref name="text"/>; false when only blanks are left.</summary>
    public static bool NextField(scoped ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> field)
    {
        var start = 0;
        while (start < text.Length && IsBlank(text[start]))
        {
            start++;
        }

        if (start == text.Length)
        {
            field = default;
            text = default;
            return false;
        }

        var end = start;
        while (end < text.Length && !IsBlank(text[end]))
        {
            end++;
        }

        field = text[start..end];
        text = text[end..];
        return true;
    }

    /// <summary>The next field as an unsigned integer; false when missing or not a number.</summary>
    public static bool NextUInt64(scoped ref ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        return NextField(ref text, out var field) && Utf8Parser.TryParse(field, out value, out var consumed) && consumed == field.Length;
    }

    /// <summary>Parses <c>key=value</c> where value is a decimal number; false when the key differs or the value is not a number.</summary>
    public static bool TryParseKeyValue(ReadOnlySpan<byte> field, ReadOnlySpan<byte> key, out double value)
    {
        value = 0;
        return field.Length > key.Length + 1
            && field.StartsWith(key)
            && field[key.Length] == (byte)'='
            && Utf8Parser.TryParse(field[(key.Length + 1)..], out value, out var consumed)
            && consumed == field.Length - key.Length - 1;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';
}
