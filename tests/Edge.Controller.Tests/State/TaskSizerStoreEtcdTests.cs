using Edge.Controller.State;
using Edge.Controller.Tests.Infrastructure;
using Edge.Models.Forecasting;

namespace Edge.Controller.Tests.State;

/// <summary>
/// The task sizers in a real etcd (cluster mode): a save larger than one etcd transaction is split, and the next
/// leader (another store on the same etcd) loads a sizer that sizes and retries as the first one did.
/// </summary>
[Collection("etcd")]
public sealed class TaskSizerStoreEtcdTests : OneEtcdMember
{
    [Fact]
    public void NextLeader_LoadsASizerSavedInMoreTransactionsThanOne_WithTheSameSizes()
    {
        var log = new CapturedLog();
        var sizer = new TaskSizer();
        var random = new Random(23);
        for (var i = 0; i < 300; i++)
        {
            var input = 1e6 + random.Next(40_000_000);
            sizer.Size(input);
            sizer.Learn(25 + (input / 1.5e5) + random.Next(30), 10 + random.Next(60), input);
        }

        // 300 task records and the header in one save: more than etcd's 128 operations per transaction.
        var first = new TaskSizerStore(Store("/sizers"), log.CreateLogger("sizers"));
        Assert.Equal(300, first.Save("nf/sort", sizer, 0));

        var loaded = new TaskSizerStore(Store("/sizers"), log.CreateLogger("sizers")).Load()["nf/sort"];
        Assert.Equal(300, loaded.Count);
        foreach (var input in new[] { 2e6, 1.5e7, 3.8e7 })
        {
            var size = sizer.Size(input);
            Assert.NotNull(size);
            Assert.Equal(size, loaded.Size(input));
            Assert.Equal(sizer.Retry(size.Value), loaded.Retry(size.Value));
        }

        Assert.Empty(log.Errors);
        Assert.DoesNotContain(log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
