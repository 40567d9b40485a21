using System.Text;
using System.Threading.Channels;
using Edge.Common.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace Edge.Common.Tests.Messaging;

public sealed class MqttConnectionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_GoodCredentials_SubscribesAndReceives()
    {
        await using var broker = await TestBroker.StartAsync(requireLogin: true, persistentSessions: true);
        var received = Channel.CreateUnbounded<string>();
        await using var subscriber = Connect(broker, "sub", received);
        subscriber.Subscribe("t/#");
        subscriber.Start();
        await using var publisher = Connect(broker, "pub", null);
        publisher.Start();
        await subscriber.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        await publisher.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);

        Assert.True(await publisher.PublishAsync("t/1", "hello"u8.ToArray(), retain: false, TestContext.Current.CancellationToken));

        Assert.Equal("t/1:hello", await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_WrongPassword_IsRefusedAndKeepsRetrying()
    {
        await using var broker = await TestBroker.StartAsync(requireLogin: true, persistentSessions: true);
        await using var connection = new MqttConnection(
            new MqttConnectionOptions { BrokerUrl = broker.Url, ClientId = "bad", Username = TestBroker.User, Password = "wrong", ReconnectMaxDelay = TimeSpan.FromMilliseconds(300) },
            NullLogger.Instance,
            TimeProvider.System);
        connection.Start();

        await PollAsync(() => connection.LastConnectResult == MqttClientConnectResultCode.BadUserNameOrPassword);
        Assert.False(connection.IsConnected);
        Assert.False(await connection.PublishAsync("t/1", [1], retain: false, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BrokerUrls_FailOverToTheNextUrl_AndBack()
    {
        var firstPort = FreePort.Next();
        await using var second = await TestBroker.StartAsync(requireLogin: true, persistentSessions: true);
        var received = Channel.CreateUnbounded<string>();
        await using var connection = new MqttConnection(
            new MqttConnectionOptions
            {
                BrokerUrl = $"mqtt://127.0.0.1:{firstPort}", BrokerUrls = [second.Url], ClientId = "failover", Username = TestBroker.User, Password = TestBroker.Password,
                ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            },
            NullLogger.Instance,
            TimeProvider.System);
        connection.MessageHandler = (m, ct) => received.Writer.WriteAsync($"{m.Topic}", ct).AsTask();
        connection.Subscribe("t/#");
        connection.Start();

        // Nothing listens on the first URL: the connection moves on to the second.
        await connection.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal(second.Url, connection.CurrentBrokerUrl);

        // The second broker goes away and one comes up on the first URL: the connection returns there and resubscribes.
        await using var first = await TestBroker.StartAsync(firstPort, requireLogin: true, persistentSessions: true);
        await second.StopAsync();
        await PollAsync(() => connection.IsConnected && connection.CurrentBrokerUrl == first.Url);
        await using var publisher = Connect(first, "pub-f", null);
        publisher.Start();
        await publisher.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.True(await publisher.PublishAsync("t/after", [1], retain: false, TestContext.Current.CancellationToken));
        Assert.Equal("t/after", await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BrokerRestart_Reconnects_AndResubscribes()
    {
        await using var broker = await TestBroker.StartAsync(requireLogin: true, persistentSessions: true);
        var received = Channel.CreateUnbounded<string>();
        await using var subscriber = Connect(broker, "sub-r", received);
        subscriber.Subscribe("t/#");
        subscriber.Start();
        await subscriber.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);

        await broker.StopAsync();
        await PollAsync(() => !subscriber.IsConnected);
        await broker.RestartAsync();
        await PollAsync(() => subscriber.IsConnected && subscriber.ConnectCount >= 2);

        await using var publisher = Connect(broker, "pub-r", null);
        publisher.Start();
        await publisher.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.True(await publisher.PublishAsync("t/2", "again"u8.ToArray(), retain: false, TestContext.Current.CancellationToken));
        Assert.Equal("t/2:again", await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PersistentSession_MessagesWhileAway_AreDeliveredOnReturn()
    {
        await using var broker = await TestBroker.StartAsync(requireLogin: true, persistentSessions: true);
        var first = Channel.CreateUnbounded<string>();
        var subscriber = Connect(broker, "persistent", first);
        subscriber.Subscribe("cmd/#");
        subscriber.Start();
        await subscriber.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        await subscriber.DisposeAsync();

        await using var publisher = Connect(broker, "pub-p", null);
        publisher.Start();
        await publisher.WaitConnectedAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.True(await publisher.PublishAsync("cmd/1", "queued"u8.ToArray(), retain: false, TestContext.Current.CancellationToken));

        var second = Channel.CreateUnbounded<string>();
        await using var again = Connect(broker, "persistent", second);
        again.Subscribe("cmd/#");
        again.Start();

        Assert.Equal("cmd/1:queued", await second.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Constructor_BadBrokerUrl_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MqttConnection(new MqttConnectionOptions { BrokerUrl = "http://x:1" }, NullLogger.Instance, TimeProvider.System));

        Assert.Contains("http://x:1", ex.Message, StringComparison.Ordinal);
    }

    private static MqttConnection Connect(TestBroker broker, string clientId, Channel<string>? sink)
    {
        var connection = new MqttConnection(
            new MqttConnectionOptions
            {
                BrokerUrl = broker.Url,
                ClientId = clientId,
                Username = TestBroker.User,
                Password = TestBroker.Password,
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            },
            NullLogger.Instance,
            TimeProvider.System);
        if (sink is not null)
        {
            connection.MessageHandler = (m, _) =>
            {
                sink.Writer.TryWrite($"{m.Topic}:{Encoding.UTF8.GetString(m.Payload)}");
                return Task.CompletedTask;
            };
        }

        return connection;
    }

    private static async Task PollAsync(Func<bool> condition)
    {
        var until = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < until, "condition not met before the deadline");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
