using System.Globalization;
using System.Runtime.InteropServices;
using Edge.Common.Contracts;

namespace Edge.Agent.Commands;

/// <summary>
/// The agent's side of fencing (docs/ha.md, "Fencing"): keeps the highest leader term seen in a commands' file
/// (<c>{Supervisor:StateDirectory}/term</c>, written to a temporary file, fsynced, renamed, directory fsynced, before
/// the command that raised it is acted on, so it survives a crash or restart) and refuses
/// <list type="bullet">
/// <item>a command from a term older than that (a deposed controller, or one whose term file was rolled back),</item>
/// <item>a command without a term once any term has been seen (a controller that predates fencing is only obeyed
/// by agents that never heard from a fenced one),</item>
/// <item>a command with a term but no expiry, or an expiry before its issue time,</item>
/// <item>a command whose expiry lies more than the tolerated clock skew in the past of this host's clock.</item>
/// </list>
/// A newer term is recorded even when its command is refused for another reason (expired): it proves a newer
/// leader exists. Thread-safe.
/// </summary>
internal sealed class CommandFence
{
    public const string FileName = "term";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeSpan _clockSkew;
    private readonly TimeProvider _time;
    private long _highest;

    /// <param name="directory">Where the term file lives (the supervisor's state directory, which is the agent's alone).</param>
    /// <param name="clockSkew">How far this host's clock may run ahead of the controller's before an unexpired command is called expired.</param>
    /// <param name="time">The clock expiries are judged by.</param>
    public CommandFence(string directory, TimeSpan clockSkew, TimeProvider time)
    {
        _path = Path.Combine(directory, FileName);
        _clockSkew = clockSkew;
        _time = time;
        _highest = Read(_path);
    }

    /// <summary>The highest term this agent has seen (0: none yet), as persisted.</summary>
    public long HighestTerm
    {
        get
        {
            lock (_lock)
            {
                return _highest;
            }
        }
    }

    /// <summary>Null when the command may be acted on; otherwise the refusal's reason code and a message naming the values.</summary>
    public (string Reason, string Message)? Check(NodeCommand command)
    {
        lock (_lock)
        {
            if (command.Term is not { } term)
            {
                if (_highest > 0)
                {
                    return ("MissingTerm", $"command carries no term, but this agent has seen term {_highest}: commands from a controller without fencing are refused once a fenced one has spoken");
                }

                return command.ExpiresAtMs is { } legacyExpiry ? ExpiryProblem(command, legacyExpiry) : null;
            }

            if (term <= 0)
            {
                return ("BadTerm", $"term {term} is not a positive number");
            }

            if (term < _highest)
            {
                return ("StaleTerm", $"command is from term {term}, but this agent has seen term {_highest}: a newer controller leads");
            }

            if (term > _highest)
            {
                try
                {
                    Write(_path, term);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Acting without the term on disk could let an older leader in after a restart.
                    return ("TermNotPersisted", $"term {term} could not be recorded in {_path}: {ex.Message}");
                }

                _highest = term;
            }

            return command.ExpiresAtMs is { } expiry
                ? ExpiryProblem(command, expiry)
                : ("MissingExpiry", $"command of term {term} carries no expiresAtMs");
        }
    }

    private (string Reason, string Message)? ExpiryProblem(NodeCommand command, long expiresAtMs)
    {
        if (expiresAtMs < command.IssuedAtMs)
        {
            return ("BadExpiry", $"expiresAtMs {expiresAtMs} is before issuedAtMs {command.IssuedAtMs}");
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - (long)_clockSkew.TotalMilliseconds > expiresAtMs)
        {
            return ("Expired", $"command expired at {Iso(expiresAtMs)} (expiresAtMs {expiresAtMs}, issued {Iso(command.IssuedAtMs)}); this agent's clock reads {Iso(now)}, {now - expiresAtMs} ms later, more than the tolerated clock skew of {(long)_clockSkew.TotalMilliseconds} ms");
        }

        return null;
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static long Read(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var term) && term >= 0
            ? term
            : throw new InvalidDataException($"{path} holds '{text}', not a term number: the agent will not guess which controllers to obey; restore the file, or remove it to accept the next term it hears");
    }

    private static void Write(string path, long term)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, Cgroups.LibC.OwnerOnly(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(term.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>fsync of the directory, so the rename itself survives a power loss.</summary>
    private static void SyncDirectory(string directory)
    {
        const int ReadOnly = 0; // O_RDONLY opens a directory too; O_DIRECTORY's value differs between architectures
        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
