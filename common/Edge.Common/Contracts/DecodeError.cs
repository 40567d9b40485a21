namespace Edge.Common.Contracts;

/// <summary>Why a payload was rejected.</summary>
public enum DecodeError
{
    None,
    Oversized,
    Malformed,
    WrongVersion,
}
