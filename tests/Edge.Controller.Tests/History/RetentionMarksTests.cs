using Edge.Controller.History;

namespace Edge.Controller.Tests.History;

/// <summary><see cref="RetentionMarks"/> on a real file: read back after a restart, and on a device that is full.</summary>
public sealed class RetentionMarksTests
{
    [Fact]
    public void Marks_ReadBackAfterARestart_AndAPassDropsThoseItUsed()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "retention-marks.txt");
        var marks = new RetentionMarks(path);
        marks.Add(1_000, 64);
        marks.Add(2_000, 128);
        marks.Add(3_000, 256);

        Assert.Equal(3, new RetentionMarks(path).Count);
        Assert.Equal(128, marks.TakeAddressBefore(2_500));
        Assert.Equal(2, new RetentionMarks(path).Count);
        Assert.Null(new RetentionMarks(path).TakeAddressBefore(1_500));
        Assert.Equal(0, marks.WriteFailures);
    }

    [Fact]
    public void OnAFullDevice_MarksAreKeptInMemoryAndCounted_AndThePassStillAnswers()
    {
        using var device = new SmallTmpfs("64k");
        var path = Path.Combine(device.Path, "retention-marks.txt");
        var marks = new RetentionMarks(path);
        marks.Add(1_000, 64);
        device.Fill();

        // Enough marks (about 17 KB) that they cannot fit in the file's first page, all the filler left.
        for (var i = 0; i < 1000; i++)
        {
            marks.Add(2_000 + i, 1_000_000_000L + i);
        }

        Assert.True(marks.WriteFailures > 0, "the full device was noticed");
        Assert.Equal(1001, marks.Count);
        Assert.Equal(1_000_000_000L + 999, marks.TakeAddressBefore(10_000));
        Assert.False(File.Exists(path + ".tmp"), "no temporary file left on the full device");

        // After a restart the file's whole lines parse (a torn one is skipped), the first mark among them.
        device.Free();
        var reread = new RetentionMarks(path);
        Assert.InRange(reread.Count, 1, 1001);
        Assert.Equal(64, reread.TakeAddressBefore(1_500));
    }
}
