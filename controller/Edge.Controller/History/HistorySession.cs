using FASTER.core;

namespace Edge.Controller.History;

/// <summary>
/// One FASTER client session, owned by one logical caller and never shared across threads. Reads that go pending
/// (the record spilled to disk) are completed before they return.
/// </summary>
internal sealed class HistorySession : IDisposable
{
    private readonly ClientSession<HistoryKey, SampleBlock, BlockInput, BlockOutput, Empty, SampleBlockFunctions> _session;
    private readonly Action _onPendingRead;
    private readonly Action _onDispose;
    private BlockOutput _rmwOutput;
    private bool _disposed;

    public HistorySession(ClientSession<HistoryKey, SampleBlock, BlockInput, BlockOutput, Empty, SampleBlockFunctions> session, Action onPendingRead, Action onDispose)
    {
        _session = session;
        _onPendingRead = onPendingRead;
        _onDispose = onDispose;
    }

    public bool TryRead(HistoryKey key, out SampleBlock block)
    {
        var input = default(BlockInput);
        var output = default(BlockOutput);
        var status = _session.Read(ref key, ref input, ref output, Empty.Default, 0);
        if (status.IsPending)
        {
            _onPendingRead();
            (status, output) = CompleteOne();
        }

        block = output.Block;
        return status.Found;
    }

    /// <summary>
    /// Runs one RMW and returns (full, already marked); completes it at once if it had to go to disk (the bucket's
    /// record was evicted). The output buffer is reused: an RMW never fills its block copy, so it is not cleared.
    /// </summary>
    public (bool Full, bool AlreadyMarked) Rmw(HistoryKey key, BlockInput input)
    {
        _rmwOutput.Full = false;
        _rmwOutput.AlreadyMarked = false;
        var status = _session.RMW(ref key, ref input, ref _rmwOutput, Empty.Default, 0);
        if (status.IsPending)
        {
            var (_, output) = CompleteOne();
            return (output.Full, output.AlreadyMarked);
        }

        return (_rmwOutput.Full, _rmwOutput.AlreadyMarked);
    }

    public void Refresh() => _session.Refresh();

    public void CompletePending() => _session.CompletePending(wait: false);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _onDispose();
    }

    private (Status Status, BlockOutput Output) CompleteOne()
    {
        _session.CompletePendingWithOutputs(out var outputs, wait: true);
        var status = default(Status);
        var output = default(BlockOutput);
        using (outputs)
        {
            while (outputs.Next())
            {
                status = outputs.Current.Status;
                output = outputs.Current.Output;
            }
        }

        return (status, output);
    }
}
