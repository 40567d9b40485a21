using Edge.Controller.Mqtt;

namespace Edge.Controller.Tests.Mqtt;

public sealed class MqttLengthGuardStreamTests
{
    [Fact]
    public async Task Read_FirstPacketAtCap_PassesThrough()
    {
        // CONNECT of remaining length 200 (0xC8 0x01), then a PINGREQ.
        byte[] bytes = [0x10, 0xC8, 0x01, .. new byte[200], 0xC0, 0x00];
        var (read, refused) = await ReadAllAsync(bytes, firstCap: 200, cap: 10, chunk: 7);

        Assert.Equal(bytes, read);
        Assert.Null(refused);
    }

    [Fact]
    public async Task Read_FirstPacketOneAboveCap_EndsBeforeTheLastLengthByte()
    {
        byte[] bytes = [0x10, 0xC9, 0x01, .. new byte[201]];
        var (read, refused) = await ReadAllAsync(bytes, firstCap: 200, cap: 1000, chunk: 1);

        Assert.Equal(201, refused);
        // MQTTnet saw the packet type and the first length byte, never the byte that completes the length.
        Assert.Equal([0x10, 0xC9], read);
    }

    [Fact]
    public async Task Read_LaterPacketUsesThePacketCap()
    {
        byte[] bytes = [0x10, 0x02, 0x00, 0x00, 0x30, 0x0B, .. new byte[11]];
        var (_, refused) = await ReadAllAsync(bytes, firstCap: 100, cap: 10, chunk: 3);

        Assert.Equal(11, refused);
    }

    [Fact]
    public async Task Read_FiveLengthBytes_RefusedAsMalformed()
    {
        byte[] bytes = [0x30, 0x80, 0x80, 0x80, 0x80, 0x01];
        var (_, refused) = await ReadAllAsync(bytes, firstCap: int.MaxValue, cap: int.MaxValue, chunk: 1);

        Assert.NotNull(refused);
    }

    [Fact]
    public async Task Read_256MiBDeclaredInOneChunk_NothingHandedOn()
    {
        byte[] bytes = [0x10, 0xFF, 0xFF, 0xFF, 0x7F];
        var (read, refused) = await ReadAllAsync(bytes, firstCap: 65536, cap: 1 << 20, chunk: 64);

        Assert.Empty(read);
        Assert.True(refused > 65536);
    }

    private static async Task<(List<byte> Read, long? Refused)> ReadAllAsync(byte[] bytes, int firstCap, int cap, int chunk)
    {
        long? refused = null;
        await using var guard = new MqttLengthGuardStream(new MemoryStream(bytes), firstCap, cap, length => refused = length);
        var read = new List<byte>();
        var buffer = new byte[chunk];
        int n;
        while ((n = await guard.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            read.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return (read, refused);
    }
}
