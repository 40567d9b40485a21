using Edge.Controller.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Edge.Controller.Tests.Workflows;

/// <summary>
/// Found by the fuzzer (tests/Edge.Benchmarks fuzz, target controller-status): nodes reporting capacities near
/// 1e308 made the volume projection infinite, serialising it threw in VolumeService's loop, and the unhandled
/// exception stopped the whole controller host (BackgroundServiceExceptionBehavior.StopHost).
/// </summary>
public sealed class VolumeServiceFuzzRegressionTests
{
    [Fact]
    public async Task ExecuteAsync_NodeWithExtremeCapacity_ControllerKeepsRunning()
    {
        using var dir = new TempDirectory();
        await using var controller = await TestController.StartAsync(dir.Path, extra: new Dictionary<string, string?>
        {
            ["Controller:Workflows:VolumePeriod"] = "00:00:00.100",
        });
        var stopping = controller.Get<IHostApplicationLifetime>().ApplicationStopping;
        // Two such nodes: the fleet's free capacity sums to infinity.
        await using var nodeA = await SimulatedNode.StartAsync(controller, TestController.NodeA, millicores: 1e308, memoryMiB: 1e308);
        await using var nodeB = await SimulatedNode.StartAsync(controller, TestController.NodeB, millicores: 1e308, memoryMiB: 1e308);

        // Several volume periods, each of which stopped the host before the fix.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        using var health = await controller.Http.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.False(stopping.IsCancellationRequested, "the controller host began stopping");
        Assert.True(health.IsSuccessStatusCode, $"/readyz answered {(int)health.StatusCode}");
    }
}
