using System.Text.Json;

namespace Edge.Models.Forecasting;

/// <summary>
/// Saves and loads <see cref="EdgeModel"/> as JSON (<c>edge-model.json</c> in a folder). <see cref="LoadOrDefault"/>
/// is what a host calls at start: the saved model when there is a valid one, else the shipped default, so a fresh
/// install predicts at once.
/// </summary>
public static class EdgeModelStore
{
    public const string FileName = "edge-model.json";

    public static void Save(EdgeModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(model, EdgeModelJsonContext.Default.EdgeModel));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Loads the model saved in <paramref name="directory"/>; throws naming the file and the problem.</summary>
    public static EdgeModel Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        EdgeModel? model;
        try
        {
            model = JsonSerializer.Deserialize(File.ReadAllText(path), EdgeModelJsonContext.Default.EdgeModel);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not an edge model: {ex.Message}", ex);
        }

        if (model is null || model.FormatVersion != EdgeModel.CurrentFormatVersion)
        {
            throw new InvalidDataException($"{path}: format version {model?.FormatVersion} is not {EdgeModel.CurrentFormatVersion}");
        }

        var bad = model.ViolationCost.Where(kv => !(kv.Value > 0) || !double.IsFinite(kv.Value)).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        if (bad.Count > 0)
        {
            throw new InvalidDataException($"{path}: violation costs must be finite and > 0, got {string.Join(", ", bad)}");
        }

        return model;
    }

    /// <summary>The saved model, or <see cref="EdgeModel.Default"/> when none is saved; a corrupt file still throws.</summary>
    public static EdgeModel LoadOrDefault(string directory) =>
        File.Exists(Path.Combine(directory, FileName)) ? Load(directory) : EdgeModel.Default;
}
