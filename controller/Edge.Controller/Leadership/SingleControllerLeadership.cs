using System.Globalization;
using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Leadership;

/// <summary>
/// One controller, no election: it leads from start to stop. Its term is one more than the last start's, kept in
/// <c>{DataDirectory}/term</c> (written to a temporary file, fsynced and renamed before the controller acts), so a
/// restarted controller's commands always outrank the ones it sent before.
/// </summary>
internal sealed class SingleControllerLeadership : ILeadership, IDisposable
{
    public const string FileName = "term";
    private readonly CancellationTokenSource _leading = new();

    public SingleControllerLeadership(IOptions<ControllerOptions> options)
    {
        Directory.CreateDirectory(options.Value.DataDirectory);
        var path = Path.Combine(options.Value.DataDirectory, FileName);
        Term = ReadTerm(path) + 1;
        WriteTerm(path, Term);
    }

    public bool IsLeader => !_leading.IsCancellationRequested;

    public long Term { get; }

    public CancellationToken LeadingToken => _leading.Token;

#pragma warning disable CS0067 // a single controller never changes leadership while running
    public event Action<LeadershipChange>? Changed;
#pragma warning restore CS0067

    public void Dispose()
    {
        _leading.Cancel();
        _leading.Dispose();
    }

    internal static long ReadTerm(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var term) && term >= 0
            ? term
            : throw new InvalidDataException($"{path} holds '{text}', not a term number; restore it or remove it only if no agent has seen this controller's commands");
    }

    internal static void WriteTerm(string path, long term)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(term.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
