using Edge.Common.Messaging;

namespace Edge.Common.Tests.Messaging;

public sealed class PasswordFileReaderTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void Read_PlainFile_ReturnsTrimmedText()
    {
        File.WriteAllText(_path, "s3cret\n");

        Assert.Equal("s3cret", PasswordFileReader.Read(_path, "node-a"));
    }

    [Fact]
    public void Read_ControllerCredentials_ReturnsTheNodesEntry()
    {
        File.WriteAllText(_path, """{ "controller": { "username": "edge-controller", "password": "c" }, "nodes": { "node-a": "a1", "node-b": "b1" } }""");

        Assert.Equal("b1", PasswordFileReader.Read(_path, "node-b"));
        Assert.Equal("c", PasswordFileReader.Read(_path, "edge-controller"));
    }

    [Fact]
    public void Read_UnknownUser_NamesFileAndUser()
    {
        File.WriteAllText(_path, """{ "nodes": { "node-a": "a1" } }""");

        var ex = Assert.Throws<InvalidDataException>(() => PasswordFileReader.Read(_path, "node-z"));

        Assert.Contains("node-z", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_path, ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);
}
