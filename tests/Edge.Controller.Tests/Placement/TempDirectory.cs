namespace Edge.Controller.Tests.Placement;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("edge-broker-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
