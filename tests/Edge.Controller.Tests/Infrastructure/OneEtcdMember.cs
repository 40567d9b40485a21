using Edge.Controller.Leadership;
using Edge.Controller.State;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>
/// The base of a test class that runs against one real etcd member on loopback: the member is started before each
/// test (skipped, saying why, where etcd-server is not installed) and stopped after it, once everything the test
/// handed to <see cref="Own{T}"/> is disposed, last owned first.
/// </summary>
public abstract class OneEtcdMember : IAsyncLifetime
{
    private readonly List<IDisposable> _owned = [];
    private EtcdCluster? _etcd;

    /// <summary>The running member (its client URLs, and raw access for tests that damage what a store wrote).</summary>
    protected EtcdCluster Etcd => _etcd ?? throw new InvalidOperationException("etcd has not been started");

    public async ValueTask InitializeAsync()
    {
        Assert.SkipUnless(EtcdCluster.IsInstalled, "needs etcd-server (packaging/dev/setup.sh)");
        _etcd = await EtcdCluster.StartAsync(1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes <paramref name="disposable"/> after the test, before etcd stops.</summary>
    protected T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A state store on the member under <paramref name="keyPrefix"/>, disposed after the test.</summary>
    private protected EtcdStateStore Store(string keyPrefix) =>
        Own(new EtcdStateStore(new ClusterOptions { Etcd = Etcd.ClientUrls, KeyPrefix = keyPrefix }));
}
