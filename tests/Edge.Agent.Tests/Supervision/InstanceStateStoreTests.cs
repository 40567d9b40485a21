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

    [Fact]
    public void Save_OnAFullDevice_ThrowsAndLeavesThePreviousFileWhole()
    {
        using var device = new SmallTmpfs("1m");
        var store = new InstanceStateStore(device.Path);
        InstanceState[] one = [Instance("a")];
        store.Save(one);
        device.Fill();

        var many = Enumerable.Range(0, 2000).Select(i => Instance($"instance-{i}")).ToList();
        Assert.ThrowsAny<IOException>(() => store.Save(many));

        Assert.False(File.Exists(store.FilePath + ".tmp"), "no temporary file left on the full device");
        var loaded = store.Load();
        Assert.Null(loaded.Corrupt);
        Assert.Equal(["a"], loaded.Instances.Select(i => i.InstanceId));

        device.Free();
        store.Save(many);
        Assert.Equal(2000, store.Load().Instances.Count);
    }

    private static InstanceState Instance(string id) => new()
    {
        InstanceId = id,
        ComponentId = "svc/" + id,
        GroupName = "edge-" + id,
        Pid = 4242,
        Limits = new Edge.Common.Contracts.InstanceLimits(500, 256),
        GracePeriodMs = 5000,
        StartedAtMs = 1_700_000_000_000,
    };
}
