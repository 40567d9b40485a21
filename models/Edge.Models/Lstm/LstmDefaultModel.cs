namespace Edge.Models.Lstm;

/// <summary>
/// The default models embedded in this assembly (Lstm/DefaultModel/lstm-{resource}.pt + .json), trained on five
/// Bitbrains VMs by <c>Edge.Benchmarks forecast train-default --epochs 6</c> (see Lstm/DefaultModel/README.md).
/// </summary>
internal static class LstmDefaultModel
{
    private const string Prefix = "Edge.Models.Lstm.DefaultModel.";

    public static IReadOnlyList<QuantileLstmModel> Load()
    {
        var assembly = typeof(LstmDefaultModel).Assembly;
        var models = new List<QuantileLstmModel>();
        foreach (var resource in Enum.GetValues<ResourceKind>())
        {
            var name = "lstm-" + resource.ToString().ToLowerInvariant();
            using var manifest = assembly.GetManifestResourceStream(Prefix + name + ".json");
            using var weights = assembly.GetManifestResourceStream(Prefix + name + ".pt");
            if (manifest is not null && weights is not null)
            {
                models.Add(QuantileLstmModel.Load(weights, manifest, "embedded " + name));
            }
        }

        return models;
    }
}
