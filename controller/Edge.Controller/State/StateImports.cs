using System.Text;

namespace Edge.Controller.State;

/// <summary>Markers of journals already imported (collection <c>imports</c>), written in the import's own transaction.</summary>
internal static class StateImports
{
    public const string Collection = "imports";

    public static StateChange Marker(string name, string from) =>
        StateChange.Put(Collection, name, Encoding.UTF8.GetBytes($"{{\"from\":{System.Text.Json.JsonSerializer.Serialize(from, StateJsonContext.Default.String)},\"atMs\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}"));
}
