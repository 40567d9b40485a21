using System.Net;
using System.Net.Http.Json;
using Edge.Controller.Placement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocationEndpointsTests
{
    [Fact]
    public async Task MapBrokerEndpoints_RealHostOnPortZero_AllocatesListsAndReleasesWithClearErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        var h = new AllocatorHarness(new PlacementOptions { Contention = [ContentionPolicy.Queue] });
        h.Profiles.Add("etl/load", cpu: 3000, memory: 1024);
        await h.AddNodesAsync(AllocatorHarness.Node("a"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(h.Broker);
        // The endpoints' logic alone; authentication and roles are attacked in Security/ApiSecurityTests on the full host.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteOptions>(o => o.SuppressCheckForUnhandledSecurityMetadata = true);
        await using var app = builder.Build();
        app.MapBrokerEndpoints();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var placed = await http.PostAsync("/api/allocations", Json("""{"componentId":"etl/load","workflowRunId":"r1"}"""), ct);
        using var queued = await http.PostAsync("/api/allocations", Json("""{"componentId":"etl/load","priority":3}"""), ct);
        using var unknown = await http.PostAsync("/api/allocations", Json("""{"componentId":"nope"}"""), ct);
        using var malformed = await http.PostAsync("/api/allocations", Json("""{"componentId":"etl/load","priority":"high"}"""), ct);
        var placedBody = await placed.Content.ReadFromJsonAsync(AllocationJsonContext.Default.AllocationOutcome, ct);

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("unknown component 'nope'", await unknown.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("$.priority", await malformed.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Contains(placedBody!.AllocationId!, await http.GetStringAsync("/api/allocations", ct), StringComparison.Ordinal);
        // A request that does not say is migratable (AllocationRequest's default): drain and the adjuster may move it.
        Assert.True(h.Broker.GetAllocations().Single(a => a.AllocationId == placedBody.AllocationId).Request.Migratable);
        Assert.Contains("\"priority\":3", await http.GetStringAsync("/api/queue", ct), StringComparison.Ordinal);

        using var deleted = await http.DeleteAsync($"/api/allocations/{placedBody.AllocationId}", ct);
        using var missing = await http.DeleteAsync("/api/allocations/nothere", ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'nothere'", await missing.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Empty(h.Broker.GetQueue());
        await app.StopAsync(ct);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
