using System.Text;
using Edge.Controller.State;
using Microsoft.Data.Sqlite;

namespace Edge.Controller.Tests.State;

public sealed class SqliteStateStoreTests
{
    private static byte[] V(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(StoredRecord r) => Encoding.UTF8.GetString(r.Value);

    [Fact]
    public void Commit_ThenReopen_HoldsEveryRecordInFirstWrittenOrder()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        using (var store = new SqliteStateStore(path))
        {
            store.Commit([StateChange.Put("q", "b", V("1")), StateChange.Put("q", "a", V("2")), StateChange.Put("other", "x", V("3"))]);
            store.Commit([StateChange.Put("q", "c", V("4")), StateChange.Put("q", "b", V("5")), StateChange.Delete("other", "x")]);
        }

        using var reopened = new SqliteStateStore(path);
        var queue = reopened.List("q");
        // One revision per transaction: b and a (written together) list by key, c (later) after them.
        Assert.Equal(["a", "b", "c"], queue.Select(r => r.Key));
        Assert.Equal(["2", "5", "4"], queue.Select(S));
        Assert.Empty(reopened.List("other"));
        Assert.Equal(3, reopened.Count("q"));
        Assert.Equal("2", S(reopened.Get("q", "a")!));
        Assert.Null(reopened.Get("q", "zz"));
        Assert.Equal(SqliteStateStore.LatestSchemaVersion, reopened.SchemaVersion);
    }

    [Fact]
    public void Commit_ABadChangeInTheBatch_AppliesNoneAndNamesIt()
    {
        using var dir = new TempDirectory();
        using var store = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));

        var error = Assert.Throws<ArgumentException>(() => store.Commit([StateChange.Put("q", "a", V("1")), new StateChange(StateChangeKind.Put, "q", "b", null)]));

        Assert.Contains("'q/b'", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.List("q"));
    }

    [Fact]
    public void DeleteCollection_RemovesOnlyThatCollection()
    {
        using var dir = new TempDirectory();
        using var store = new SqliteStateStore(Path.Combine(dir.Path, "state.db"));
        store.Commit([StateChange.Put("steps/r1", "a", V("1")), StateChange.Put("steps/r1", "b", V("1")), StateChange.Put("steps/r2", "a", V("1"))]);

        store.Commit([StateChange.DeleteCollection("steps/r1")]);

        Assert.Equal(0, store.Count("steps/r1"));
        Assert.Equal(1, store.Count("steps/r2"));
    }

    [Fact]
    public void Open_FileOfANewerSchema_IsRefusedNamingBothVersions()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        new SqliteStateStore(path).Dispose();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 0)";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<StateStoreException>(() => new SqliteStateStore(path));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"this controller's {SqliteStateStore.LatestSchemaVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AFileThatIsNotADatabase_IsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "state.db");
        File.WriteAllText(path, new string('x', 8192));

        var error = Assert.Throws<StateStoreException>(() => new SqliteStateStore(path));

        Assert.Contains($"'{path}' is not a state database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Open_NewFile_IsPrivateAndInWalModeWithEveryMigrationRecorded()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "sub", "state.db");
        using var store = new SqliteStateStore(path, StateSynchronous.Full);
        store.Commit([StateChange.Put("c", "k", V("v"))]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.True(File.Exists(path + "-wal"), "write-ahead log in use");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
        Assert.Equal(string.Join(",", Enumerable.Range(1, SqliteStateStore.LatestSchemaVersion)), command.ExecuteScalar());
    }
}
