namespace Edge.Common.Contracts;

/// <summary>The schema version carried by every wire message. A receiver rejects any other version.</summary>
public static class SchemaVersions
{
    /// <summary>The version this build writes and accepts.</summary>
    public const int Current = 1;
}
