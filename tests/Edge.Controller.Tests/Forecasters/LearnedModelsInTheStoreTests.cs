using System.Diagnostics.Metrics;
using Edge.Controller.Forecasters;
using Edge.Controller.Options;
using Edge.Controller.Profiles;
using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Forecasting;
using Edge.Models.Profiling;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Forecasters;

/// <summary>
/// Learned models in a real etcd: the LSTM version one leader promotes, and its retrained Edge model, are what the
/// next leader (another data directory, the same etcd) loads; blobs over etcd's request limit are chunked; a
/// damaged or incomplete version is reported and the previous one used.
/// </summary>
[Collection("etcd")]
public sealed class LearnedModelsInTheStoreTests : OneEtcdMember
{
    private const string Prefix = "/models";
    private readonly TempDirectory _dir;

    public LearnedModelsInTheStoreTests() => _dir = Own(new TempDirectory());

    [Fact]
    public async Task ABlobOverTheRequestLimit_IsChunked_AndADamagedOrIncompleteVersionFallsBackToThePreviousOne()
    {
        var state = Store();
        var log = new CapturedLog();
        var models = new LearnedModelStore(state, log.CreateLogger("models"));
        var v1 = RandomBytes(2_500_000, 1);
        var v2 = RandomBytes(2_600_000, 2);
        models.Save("m", 1, v1, null, 1);
        models.Save("m", 2, v2, null, 2);

        var loaded = models.Load("m")!;
        Assert.Equal(2, loaded.Meta!.Version);
        Assert.Equal(3, loaded.Meta.Chunks);
        Assert.Equal(v2, loaded.Content);

        // One byte of v2's second chunk changed behind the store's back: v2 is refused, loudly, and v1 is used.
        var chunkKey = $"{Prefix}/state/{LearnedModelStore.Chunks}/m%2Fv000002%2F0001";
        var stored = await Etcd.GetAsync(chunkKey);
        var damaged = stored!.Value.ToByteArray();
        damaged[1000] ^= 0xFF;
        await Etcd.KvOf(0).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(chunkKey), Value = ByteString.CopyFrom(damaged) }, cancellationToken: TestContext.Current.CancellationToken);
        loaded = models.Load("m")!;
        Assert.Equal(1, loaded.Meta!.Version);
        Assert.Equal(v1, loaded.Content);
        Assert.Contains(loaded.Damaged, d => d.StartsWith("v2: checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(log.Errors, e => e.Contains("m v2", StringComparison.Ordinal) && e.Contains("checksum mismatch", StringComparison.Ordinal));

        // A chunk gone (a crash, or a hand-made deletion): named, and the previous version used.
        await Etcd.KvOf(0).DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(chunkKey) }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(models.Load("m")!.Damaged, d => d == "v2: chunk 1 of 3 is missing");

        // Pruning deletes metadata and chunks.
        models.Prune("m", 1);
        Assert.Equal([2], models.Versions("m"));
        Assert.Null((await Etcd.GetAsync($"{Prefix}/state/{LearnedModelStore.Chunks}/m%2Fv000001%2F0000"))?.Value);
    }

    [Fact]
    public void TheNextLeader_ForecastsWithThePromotedLstmAndTheRetrainedEdgeModel_AndFallsBackWhenTheLatestIsDamaged()
    {
        var lstmOptions = new LiveLstmOptions { HiddenSize = 8, ContextRuns = 4, Epochs = 3, MinRuns = 20 };
        var state = Store();
        var first = NewForecaster(Path.Combine(_dir.Path, "c1"), lstmOptions, state);
        using (var ledger = Ledger(Path.Combine(_dir.Path, "c1"), first))
        {
            for (var c = 0; c < 4; c++)
            {
                for (var i = 0; i < 30; i++)
                {
                    ledger.Record(ForecasterChoiceTests.Run(i, $"svc/c{c}", scale: 1 + c));
                }
            }

            var service = new LstmRetrainService(first, ledger, TimeProvider.System, NullLogger<LstmRetrainService>.Instance);
            Assert.Equal("first", service.CheckOnce(TestContext.Current.CancellationToken));
            Assert.Equal("promoted v1", service.LastOutcome);
        }

        first.Save(EdgeModel.Default with { ModelVersion = 7 });

        // The next leader: its own (empty) data directory, the same etcd.
        var log = new CapturedLog();
        var second = NewForecaster(Path.Combine(_dir.Path, "c2"), lstmOptions, Store(), log);
        Assert.Equal(1, second.Lstm!.Current!.Version);
        Assert.Equal(first.Lstm!.Manifest, second.Lstm.Manifest);
        Assert.Equal(7, second.Model.ModelVersion);
        foreach (var file in new[] { "version.json", "lstm-cpu.pt", "lstm-cpu.json", "lstm-memory.pt", "lstm-memory.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir.Path, "c1", "models", "lstm", "v1", file)), File.ReadAllBytes(Path.Combine(_dir.Path, "c2", "models", "lstm", "v1", file)));
        }

        Assert.Contains(log.Entries, e => e.Message.Contains("LSTM v1 loaded from the state store", StringComparison.Ordinal));

        // A v2 whose blob is damaged in the store: the third leader reports it and continues with v1.
        var models = new LearnedModelStore(state, NullLogger.Instance);
        var tar = LiveLstm.Pack(Path.Combine(_dir.Path, "c1", "models", "lstm", "v1"));
        models.Save(LiveLstm.StoreName, 2, tar, null, 3);
        tar[tar.Length / 2] ^= 0x01;
        state.Commit([StateChange.Put(LearnedModelStore.Chunks, "lstm/v000002/0000", tar)]);
        var thirdLog = new CapturedLog();
        var third = NewForecaster(Path.Combine(_dir.Path, "c3"), lstmOptions, Store(), thirdLog);
        Assert.Equal(1, third.Lstm!.Current!.Version);
        Assert.Contains(thirdLog.Errors, e => e.Contains("lstm v2", StringComparison.Ordinal) && e.Contains("checksum mismatch", StringComparison.Ordinal));
    }

    private EtcdStateStore Store() => Store(Prefix);

    private Forecaster NewForecaster(string dataDirectory, LiveLstmOptions lstm, IStateStore state, CapturedLog? log = null)
    {
        var forecaster = new Forecaster(
            Microsoft.Extensions.Options.Options.Create(new ComponentProfilerOptions()),
            Microsoft.Extensions.Options.Options.Create(new LearningOptions()),
            Microsoft.Extensions.Options.Options.Create(new ControllerOptions { DataDirectory = dataDirectory }),
            TimeProvider.System,
            Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(log ?? new CapturedLog())).CreateLogger<Forecaster>(),
            Microsoft.Extensions.Options.Options.Create(new ForecasterChoiceOptions()),
            Microsoft.Extensions.Options.Options.Create(lstm),
            state: state);
        if (forecaster.Lstm is { } model)
        {
            Own(model);
        }

        return forecaster;
    }

    private static FeedbackLedger Ledger(string dataDirectory, Forecaster forecaster)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        Directory.CreateDirectory(dataDirectory);
        var state = new SqliteStateStore(Path.Combine(dataDirectory, "state.db"));
        return new FeedbackLedger(state, Path.Combine(dataDirectory, "feedback"), new FeedbackOptions().KeepRunsPerComponent, forecaster, NullLogger<FeedbackLedger>.Instance, meters, ownsState: true);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
