using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

/// <summary>Small, fast settings so that each test trains in a second or two on one or two threads.</summary>
internal static class TinyOptions
{
    public static LstmOptions Create(int epochs = 4) => new()
    {
        ContextWindows = 8,
        HiddenSize = 12,
        Epochs = epochs,
        BatchSize = 64,
        LearningRate = 1e-2,
        Threads = 2,
        CalibrationScores = 100,
    };
}
