using System.Diagnostics.CodeAnalysis;

namespace Edge.Common.Contracts;

/// <summary>The outcome of decoding a payload: a value, or the kind of error and a message naming the offending value.</summary>
public readonly record struct DecodeResult<T>(T? Value, DecodeError Error, string? Message)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Message))]
    public bool Ok => Error == DecodeError.None;
}
