using Edge.Agent.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Agent.Tests.Supervision;

/// <summary>The supervisor's instances.json: a file that does not parse is reported with its position and kept aside, not read as "no instances".</summary>
public sealed class InstanceStateStoreTests
{
    [Fact]
    public void Load_NoFile_EmptyAndNotCorrupt()
    {
        using var dir = new TempDirectory();

        var loaded = new InstanceStateStore(dir.Path).Load();

        Assert.Empty(loaded.Instances);
        Assert.Null(loaded.Corrupt);
    }

    [Fact]
    public void Load_Garbage_PositionNamedAndFileSetAside()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 13, 14, 15, 678, TimeSpan.Zero));
        var store = new InstanceStateStore(dir.Path, time);
        const string torn = "[\n  {\"instanceId\": \"a\",\n   \"pid\": 12x }\n]";
        File.WriteAllText(store.FilePath, torn);

        var loaded = store.Load();

        Assert.Empty(loaded.Instances);
        var corrupt = Assert.IsType<CorruptStateFile>(loaded.Corrupt);
        Assert.Equal(store.FilePath, corrupt.File);
        Assert.Equal(store.FilePath + ".corrupt-20261205T131415678Z", corrupt.SetAsideAs);
        Assert.StartsWith("line 3, byte ", corrupt.Position, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(corrupt.Error));
        Assert.False(File.Exists(store.FilePath));
        Assert.Equal(torn, File.ReadAllText(corrupt.SetAsideAs));
    }

    [Fact]
    public void Save_AfterCorruptLoad_NewFileAndTheCorruptOneKept()
    {
        using var dir = new TempDirectory();
        var store = new InstanceStateStore(dir.Path, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        File.WriteAllText(store.FilePath, "{not json");
        var aside = store.Load().Corrupt!.SetAsideAs;

        store.Save([]);

        Assert.Equal("{not json", File.ReadAllText(aside));
        var reloaded = store.Load();
        Assert.Null(reloaded.Corrupt);
        Assert.Empty(reloaded.Instances);
    }
}
