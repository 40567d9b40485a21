namespace Edge.Controller.Mqtt;

/// <summary>
/// Reads an MQTT byte stream on behalf of MQTTnet and ends it (reads return 0) as soon as a fixed header declares a
/// remaining length above the cap, before the bytes that complete the length reach MQTTnet: MQTTnet 5.2's
/// <c>MqttChannelAdapter.ReceiveAsync</c> allocates <c>new byte[remainingLength]</c> right after the header, for
/// any packet including an unauthenticated CONNECT, and has no maximum packet size option. The first packet (CONNECT)
/// has its own, smaller cap. Framing per MQTT 5.0 §2.1.1 (fixed header) and §1.5.5 (variable byte integer, at most
/// four bytes).
/// </summary>
internal sealed class MqttLengthGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly int _firstPacketCap;
    private readonly int _packetCap;
    private readonly Action<long> _onOversize;
    private State _state = State.Header;
    private long _length;
    private long _multiplier;
    private int _lengthBytes;
    private long _bodyLeft;
    private long _packets;
    private bool _refused;

    public MqttLengthGuardStream(Stream inner, int firstPacketCap, int packetCap, Action<long> onOversize)
    {
        _inner = inner;
        _firstPacketCap = firstPacketCap;
        _packetCap = packetCap;
        _onOversize = onOversize;
    }

    private enum State
    {
        Header,
        Length,
        Body,
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_refused)
        {
            return 0;
        }

        var read = _inner.Read(buffer);
        return Inspect(buffer[..read]) ? read : 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_refused)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Inspect(buffer.Span[..read]) ? read : 0;
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Advances the framing over bytes about to be handed to MQTTnet; false (and the stream ends) on an oversize or malformed length.</summary>
    private bool Inspect(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.Header:
                    i++;
                    _state = State.Length;
                    _length = 0;
                    _multiplier = 1;
                    _lengthBytes = 0;
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length += (b & 0x7F) * _multiplier;
                    _lengthBytes++;
                    var cap = _packets == 0 ? _firstPacketCap : _packetCap;
                    if (_length > cap || ((b & 0x80) != 0 && _lengthBytes == 4))
                    {
                        return Refuse();
                    }

                    if ((b & 0x80) != 0)
                    {
                        _multiplier *= 128;
                        break;
                    }

                    _packets++;
                    _bodyLeft = _length;
                    _state = _bodyLeft == 0 ? State.Header : State.Body;
                    break;
                default:
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0)
                    {
                        _state = State.Header;
                    }

                    break;
            }
        }

        return true;
    }

    private bool Refuse()
    {
        // A further length byte could only make the declared length larger; report what was declared so far.
        _refused = true;
        _onOversize(_length);
        return false;
    }
}
