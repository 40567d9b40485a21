namespace Edge.Controller.Profiles;

/// <summary>How a finished instance ended, as stored in <see cref="RunRecord.Outcome"/>.</summary>
internal static class RunOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string OomKilled = "oomKilled";
}
