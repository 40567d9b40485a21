namespace Edge.Models.Tests.Lstm;

/// <summary>
/// Tests that build or train TorchSharp models run one at a time: <c>torch.manual_seed</c> seeds one process-wide
/// generator, so two of them initialising weights at once would each see the other's draws and stop being repeatable.
/// </summary>
internal static class TorchCollection
{
    public const string Name = "TorchSharp";
}
