using Edge.Models.Statistical;

namespace Edge.Models.Tests.Statistical;

public sealed class SortedWindowTests
{
    [Fact]
    public void Add_PastCapacity_KeepsTheLatestValuesSorted()
    {
        var window = new SortedWindow(4);
        foreach (var v in new[] { 5.0, 1, 4, 4, 2, 9 })
        {
            window.Add(v);
        }

        // 5 and 1 were evicted (oldest first); 4, 4, 2, 9 remain.
        Assert.Equal([2.0, 4, 4, 9], window.Sorted.ToArray());
    }

    [Fact]
    public void Add_RandomStream_MatchesASortOfTheLastValues()
    {
        var random = new Random(3);
        var window = new SortedWindow(50);
        var all = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var v = Math.Round(random.NextDouble() * 20);
            all.Add(v);
            window.Add(v);
        }

        Assert.Equal(all.Skip(450).Order().ToArray(), window.Sorted.ToArray());
    }
}
