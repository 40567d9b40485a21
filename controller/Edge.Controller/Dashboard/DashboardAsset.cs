namespace Edge.Controller.Dashboard;

/// <summary>One static file of the dashboard, held in memory: its bytes, media type and entity tag.</summary>
internal sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);
