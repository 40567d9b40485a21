using System.Text.Json;

namespace Edge.Agent.Supervision;

/// <summary>The running instances' metadata in one small JSON file, replaced atomically on every change.</summary>
internal sealed class InstanceStateStore
{
    private readonly string _path;

    public InstanceStateStore(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "instances.json");
    }

    public IReadOnlyList<InstanceState> Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(_path), SupervisorJsonContext.Default.ListInstanceState) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public void Save(IEnumerable<InstanceState> instances)
    {
        var temp = _path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, Cgroups.LibC.OwnerOnly(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
        {
            JsonSerializer.Serialize(stream, [.. instances], SupervisorJsonContext.Default.ListInstanceState);
        }

        File.Move(temp, _path, overwrite: true);
    }
}
