using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class LevelShiftsTests
{
    [Fact]
    public void Completed_JumpThatHolds_IsAConfirmedShift()
    {
        var shifts = new LevelShifts();
        shifts.Completed(1, 450, 900, 1.0);
        shifts.Completed(2, 1000, 1200, 2.2);

        var confirmed = shifts.Completed(3, 1040, 1180, 1.0);

        Assert.Equal(2, confirmed);
        Assert.Equal(2.2, shifts.Divisor(2, 0), 12);
        Assert.Equal(1, shifts.Divisor(3, 0));
    }

    [Fact]
    public void Completed_JumpThatReverts_IsKept()
    {
        var shifts = new LevelShifts();
        shifts.Completed(1, 450, 900, 1.0);
        shifts.Completed(2, 1000, 1200, 2.2);

        var confirmed = shifts.Completed(3, 460, 890, 0.45);

        Assert.Null(confirmed);
        Assert.Equal(1, shifts.Divisor(2, 0));
    }
}
