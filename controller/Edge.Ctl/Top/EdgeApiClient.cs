using System.Globalization;
using System.Text.Json;

namespace Edge.Ctl.Top;

/// <summary>Reads nodes and their latest samples from the controller's HTTP API.</summary>
internal sealed class EdgeApiClient(HttpClient http)
{
    public async Task<IReadOnlyList<NodeSnapshot>> SnapshotAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        using var nodes = JsonDocument.Parse(await GetAsync("/api/nodes", cancellationToken));
        var result = new List<NodeSnapshot>();
        var to = DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds();
        var from = DateTimeOffset.UtcNow.Subtract(window).ToUnixTimeMilliseconds();
        foreach (var node in nodes.RootElement.EnumerateArray())
        {
            var id = node.GetProperty("nodeId").GetString() ?? "?";
            var status = node.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
            double cores = 0, mib = 0;
            var tier = "";
            if (status.ValueKind == JsonValueKind.Object)
            {
                var capacity = status.GetProperty("capacity");
                cores = capacity.GetProperty("cpuMillicores").GetDouble() / 1000;
                mib = capacity.GetProperty("memoryMiB").GetDouble();
                tier = status.GetProperty("pricing").GetProperty("tier").GetString() ?? "";
            }

            var metrics = await GetAsync(string.Create(CultureInfo.InvariantCulture, $"/api/nodes/{Uri.EscapeDataString(id)}/metrics?from={from}&to={to}"), cancellationToken);
            result.Add(new NodeSnapshot(id, node.GetProperty("online").GetBoolean(), cores, mib, tier, Latest(metrics)));
        }

        return result;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, double>> Latest(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var latest = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var series in doc.RootElement.GetProperty("series").EnumerateArray())
        {
            var points = series.GetProperty("points");
            if (points.GetArrayLength() == 0)
            {
                continue;
            }

            var scope = series.GetProperty("scope").GetString() ?? "";
            if (!latest.TryGetValue(scope, out var metrics))
            {
                latest[scope] = metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            metrics[series.GetProperty("metric").GetString() ?? ""] = points[points.GetArrayLength() - 1].GetProperty("v").GetDouble();
        }

        return latest.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, double>)p.Value, StringComparer.Ordinal);
    }

    private async Task<string> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {body}");
        }

        return body;
    }
}
