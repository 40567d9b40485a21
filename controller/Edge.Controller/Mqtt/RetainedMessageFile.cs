using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Controller.Mqtt;

/// <summary>
/// Keeps the broker's retained messages (node status, predictions, run status) across restarts in one JSON file,
/// replaced atomically (write a temp file, then rename) so a crash leaves the old or the new copy, never half.
/// </summary>
internal sealed class RetainedMessageFile
{
    private readonly string _path;

    public RetainedMessageFile(string path) => _path = path;

    public string Path => _path;

    public List<MqttApplicationMessage> Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        using var stream = File.OpenRead(_path);
        var records = JsonSerializer.Deserialize(stream, MqttJsonContext.Default.ListRetainedRecord) ?? [];
        return records.Select(r => new MqttApplicationMessageBuilder()
                .WithTopic(r.Topic)
                .WithPayload(r.Payload)
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)Math.Clamp(r.Qos, 0, 2))
                .WithContentType(r.ContentType)
                .WithRetainFlag()
                .Build())
            .ToList();
    }

    public void Save(IReadOnlyList<MqttApplicationMessage> messages)
    {
        var records = messages
            .Select(m => new RetainedRecord(m.Topic, m.Payload.ToArray(), (int)m.QualityOfServiceLevel, m.ContentType))
            .ToList();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, records, MqttJsonContext.Default.ListRetainedRecord);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }
}
