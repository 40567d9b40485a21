namespace Edge.Controller.Ingest;

/// <summary>Why an incoming message was not ingested (the <c>reason</c> tag of <c>edge.ingest.rejected</c>).</summary>
internal static class RejectReason
{
    public const string Malformed = "malformed";
    public const string Oversized = "oversized";
    public const string WrongVersion = "wrong-version";
    public const string NodeMismatch = "node-mismatch";
    public const string Invalid = "invalid";
    public const string UnknownTopic = "unknown-topic";
    public const string StoreError = "store-error";
}
