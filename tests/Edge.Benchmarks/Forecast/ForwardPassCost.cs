using System.Diagnostics;
using Edge.Controller.Forecasters;
using Edge.Models;
using Edge.Models.Lstm;

namespace Edge.Benchmarks.Forecast;

/// <summary>
/// The LSTM forward pass the live path makes per component and resource, at the controller's complexity: the managed
/// pass one series at a time (what <c>Predict</c> runs) against one libtorch batch (<see cref="ForwardBatch"/>, what
/// <c>PredictMany</c> runs), in CPU microseconds per series, on the same random inputs; and the largest difference.
/// </summary>
internal static class ForwardPassCost
{
    public static void Print(int series)
    {
        var options = new LiveLstmOptions().ToModelOptions();
        using var model = QuantileLstmModel.Create(options, ResourceKind.Cpu);
        var random = new Random(5);
        var passes = new List<LstmForward>(series);
        for (var i = 0; i < series; i++)
        {
            var features = new float[options.ContextWindows * WindowFeatures.Count];
            for (var j = 0; j < features.Length; j++)
            {
                features[j] = (float)(random.NextDouble() * 2);
            }

            passes.Add(new LstmForward(model, features, 1, 1));
        }

        model.PredictOne(passes[0].Features); // the managed weight snapshot
        ForwardBatch.Run(passes.Take(16).ToList());
        var managed = new float[series][];
        var managedCpu = Cpu(() =>
        {
            for (var i = 0; i < series; i++)
            {
                managed[i] = model.PredictOne(passes[i].Features);
            }
        });
        float[][] batched = [];
        var batchedCpu = Cpu(() => batched = ForwardBatch.Run(passes));
        var largest = 0.0;
        for (var i = 0; i < series; i++)
        {
            for (var j = 0; j < managed[i].Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(managed[i][j] - batched[i][j]));
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"LSTM forward pass (hidden {options.HiddenSize}, {options.ContextWindows} runs of context), {series} series: managed one at a time {1e6 * managedCpu / series:F1} µs CPU per series, libtorch batch {1e6 * batchedCpu / series:F1} µs; largest difference {largest:G3}"));
    }

    private static double Cpu(Action action)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        action();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds;
    }
}
