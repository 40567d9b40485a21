using System.Text.Json;
using Edge.Controller.Security;

namespace Edge.Controller.Operations;

/// <summary>
/// Cordons and drains by node, persisted in <c>{DataDirectory}/scheduling.json</c> with
/// <see cref="PrivateFiles.WriteAtomic"/> (temp file, fsync, rename) after every change, so a restart finds exactly
/// the last state written. A node that is neither cordoned nor has a drain on record is not kept.
/// </summary>
internal sealed class NodeSchedulingStore
{
    public const string FileName = "scheduling.json";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, NodeScheduling> _nodes = new(StringComparer.Ordinal);

    public NodeSchedulingStore(string dataDirectory)
    {
        Path = System.IO.Path.Combine(dataDirectory, FileName);
        foreach (var node in Load(Path).Nodes)
        {
            _nodes[node.NodeId] = node;
        }
    }

    /// <summary>The file the state is kept in.</summary>
    public string Path { get; }

    /// <summary>The node's scheduling state; not cordoned and no drain when nothing is on record.</summary>
    public NodeScheduling Get(string nodeId)
    {
        lock (_lock)
        {
            return _nodes.GetValueOrDefault(nodeId) ?? Default(nodeId);
        }
    }

    public IReadOnlyList<NodeScheduling> All()
    {
        lock (_lock)
        {
            return [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)];
        }
    }

    /// <summary>Applies <paramref name="change"/> to the node's state and writes the file before returning the new state.</summary>
    public NodeScheduling Update(string nodeId, Func<NodeScheduling, NodeScheduling> change)
    {
        lock (_lock)
        {
            var updated = change(_nodes.GetValueOrDefault(nodeId) ?? Default(nodeId));
            var before = _nodes.GetValueOrDefault(nodeId);
            if (!updated.Cordoned && updated.Drain is null)
            {
                _nodes.Remove(nodeId);
            }
            else
            {
                _nodes[nodeId] = updated;
            }

            try
            {
                Save();
            }
            catch
            {
                // Memory never runs ahead of the file: the change did not happen.
                if (before is null)
                {
                    _nodes.Remove(nodeId);
                }
                else
                {
                    _nodes[nodeId] = before;
                }

                throw;
            }

            return updated;
        }
    }

    private static NodeScheduling Default(string nodeId) => new(nodeId, false, null, null, null);

    private void Save()
    {
        var file = new SchedulingFile { Nodes = [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)] };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFiles.WriteAtomic(Path, JsonSerializer.SerializeToUtf8Bytes(file, OperationsJsonContext.Default.SchedulingFile));
    }

    private static SchedulingFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new SchedulingFile();
        }

        SchedulingFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), OperationsJsonContext.Default.SchedulingFile);
        }
        catch (JsonException ex)
        {
            // Refusing to start beats silently forgetting which nodes an operator took out of service.
            throw new InvalidDataException($"node scheduling file '{path}' is not valid: {ex.Message}; fix or remove it (removing uncordons every node)", ex);
        }

        if (file is null || file.Version != SchedulingFile.CurrentVersion)
        {
            throw new InvalidDataException($"node scheduling file '{path}' has version {file?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}; this build reads version {SchedulingFile.CurrentVersion}");
        }

        return file;
    }
}
