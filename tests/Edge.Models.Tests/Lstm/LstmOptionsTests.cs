using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

public sealed class LstmOptionsTests
{
    [Fact]
    public void Validate_Defaults_HasNoErrors() => Assert.Empty(new LstmOptions().Validate());

    [Fact]
    public void Validate_SeveralBadValues_ReportsEveryOneByName()
    {
        var options = new LstmOptions { HiddenSize = 0, Epochs = -1, Quantiles = [0.5, 0.4], IntervalLevel = 0.8 };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("HiddenSize = 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Epochs = -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quantiles[1] = 0.4", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("IntervalLevel = 0.8", StringComparison.Ordinal));
    }
}
