using System.Text.RegularExpressions;

namespace Edge.Integration.Tests.Packaging;

/// <summary>
/// A clone from anywhere must be able to rerun every test, report and benchmark: no file names a path outside the
/// repository, and every data set the project reads lives in it with its SOURCE.md and licence.
/// </summary>
public sealed partial class RepositoryStandsAloneTests
{
    private static readonly string[] TextExtensions = [".cs", ".md", ".sh", ".json", ".props", ".targets", ".csproj", ".sln", ".service", ".conf", ".acl", ".yml", ".txt", ""];

    [Fact]
    public void TrackedFiles_NameNoPathOutsideTheRepository()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (OutsidePath().IsMatch(lines[i]))
                {
                    offenders.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "paths outside the repository:\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("data/bitbrains-rnd-2013-07", "*.csv.gz")]
    [InlineData("data/wfcommons-wfinstances", "*.json")]
    public void DataSet_IsInTheRepositoryWithItsSourceAndLicence(string folder, string pattern)
    {
        var dir = Path.Combine(RepoPaths.Root, folder);
        var source = File.ReadAllText(Path.Combine(dir, "SOURCE.md"));

        Assert.Contains("## Licence", source, StringComparison.Ordinal);
        Assert.Contains("## Origin", source, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(dir, pattern, SearchOption.AllDirectories));
    }

    // The development machines keep data and the brief beside the checkout; a path into them works only there.
    [GeneratedRegex(@"\.\./shared\b|/work/(shared|main)\b|(^|[\s`'""(=])/work/")]
    private static partial Regex OutsidePath();

    private static IEnumerable<string> SourceFiles()
    {
        var skip = new[] { ".git", "bin", "obj", "data", "TestResults", ".edge", "artifacts" };
        var pending = new Stack<string>([RepoPaths.Root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!skip.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                if (TextExtensions.Contains(Path.GetExtension(file)) && file != typeof(RepositoryStandsAloneTests).Assembly.Location)
                {
                    yield return file;
                }
            }
        }
    }
}
