using System.ComponentModel;
using System.Globalization;
using Edge.Agent.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Supervision;

internal sealed partial class Supervisor
{
    private const string GroupPrefix = "i-";
    private const int PlacementTimeoutMs = 5000;

    internal static string GroupNameOf(string instanceId) => GroupPrefix + instanceId;

    private async Task StartAsync(NodeCommand command, StartSpec spec, CancellationToken cancellationToken)
    {
        var name = GroupNameOf(spec.InstanceId);
        var error = _validator.ValidateStart(spec, out var executable)
            ?? (_setpriv is null && _runAs.FixedUser is not { IsRoot: true }
                ? "setpriv (util-linux) is not installed on this node: instances cannot be started without privileges (Supervisor:RunAsUser=root would run them as root)" : null)
            ?? (_instances.ContainsKey(spec.InstanceId) ? $"instance '{spec.InstanceId}' is already running on this node" : null)
            ?? (_driver.Exists(name) ? $"instance '{spec.InstanceId}' already has a group '{name}' on this node" : null);
        if (error is not null)
        {
            await RejectAsync(command, spec.InstanceId, error, cancellationToken);
            return;
        }

        await AcceptAsync(command, spec.InstanceId, cancellationToken);
        RunningInstance instance;
        IReadOnlyList<string> notEnforced;
        try
        {
            (instance, notEnforced) = await LaunchAsync(spec, executable, name, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception)
        {
            _metrics.Errors.Add(1);
            LogStartFailed(e, spec.InstanceId);
            await RemoveGroupAsync(name, CancellationToken.None);
            RemoveDirectory(name);
            await RejectAsync(command, spec.InstanceId, $"start of '{spec.Executable}' failed: {e.Message}", cancellationToken);
            return;
        }

        _instances[spec.InstanceId] = instance;
        SaveState();
        LogStarted(spec.InstanceId, instance.Pid, _driver.Mode);
        await PublishAsync(InstanceEvent(NodeEventKind.InstanceStarted, instance.State) with
        {
            CommandId = command.CommandId,
            Pid = instance.Pid,
            NewLimits = ToQuantity(spec.Limits),
            Reason = notEnforced.Count == 0 ? null : "not enforced: " + string.Join("; ", notEnforced),
        }, cancellationToken);
        await CompleteAsync(command.CommandId, spec.InstanceId, cancellationToken);
        RunInBackground(() => WatchAsync(instance));
    }

    private async Task<(RunningInstance Instance, IReadOnlyList<string> NotEnforced)> LaunchAsync(
        StartSpec spec, string executable, string name, CancellationToken cancellationToken)
    {
        var sandbox = CreateSandbox(name);
        _driver.Create(name);
        var notEnforced = _driver.ApplyLimits(name, spec.Limits);
        var (network, index) = IsolatesNetwork(spec) ? await SetUpNetworkAsync(spec, cancellationToken) : (null, (int?)null);
        System.Diagnostics.Process? process = null;
        try
        {
            var output = _output.Open(spec.InstanceId);
            process = InstanceLauncher.Start(spec, executable, _driver.PlacementFor(name, spec.Limits), network is null ? [] : _network!.ExecPrefix(network), sandbox, output);
            if (_driver.CgroupMode == CgroupMode.None)
            {
                _driver.Attach(name, process.Id);
                // The prologue sets the start limit itself just before exec; until it has exec'd, a later prlimit
                // (a resize) could be overwritten by it.
                await WaitForExecAsync(process.Id, cancellationToken);
                notEnforced = _driver.ApplyLimits(name, spec.Limits);
            }
            else
            {
                await WaitForPlacementAsync(name, process.Id, cancellationToken);
            }
        }
        catch
        {
            process?.Dispose();
            _output.Discard(spec.InstanceId);
            await TearDownNetworkAsync(network);
            throw;
        }

        if (spec.Limits.NetworkMbps is { } mbps && network is null)
        {
            notEnforced = [.. notEnforced, $"network {mbps.ToString(CultureInfo.InvariantCulture)} Mbps: {NetworkNotEnforced}"];
        }

        var state = new InstanceState
        {
            InstanceId = spec.InstanceId,
            ComponentId = spec.ComponentId,
            WorkflowRunId = spec.WorkflowRunId,
            GroupName = name,
            Pid = process.Id,
            Limits = spec.Limits,
            GracePeriodMs = spec.GracePeriodMs,
            StartedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            NetworkIndex = index,
            Uid = sandbox.User?.Uid,
            Gid = sandbox.User?.Gid,
        };
        return (new RunningInstance(state, process, network), notEnforced);
    }

    /// <summary>
    /// Chooses the instance's user (see <see cref="RunAsPolicy"/>) and creates its private directory for it. Without
    /// root the user cannot change: the instance runs as the agent's user, with no_new_privs.
    /// </summary>
    private InstanceSandbox CreateSandbox(string name)
    {
        InstanceUser? user;
        IReadOnlyList<string> drop;
        if (!LibC.IsRoot)
        {
            user = null;
            drop = InstanceSandbox.NoNewPrivileges(_setpriv!);
        }
        else if (_runAs.FixedUser is { } fixedUser)
        {
            user = fixedUser;
            drop = fixedUser.IsRoot ? [] : InstanceSandbox.DropTo(_setpriv!, fixedUser);
        }
        else
        {
            user = _users.Allocate(_instances.Values.Select(i => i.State.Uid).OfType<uint>())
                ?? throw new InvalidOperationException($"no free uid left in {SupervisorOptions.SectionName}:DynamicUsers {_options.DynamicUsers}");
            drop = InstanceSandbox.DropTo(_setpriv!, user.Value);
        }

        var directory = _directories.Create(name, user is { IsRoot: false } ? user : null);
        if (user is { } owner && UnixAccess.Check(directory, owner, UnixAccess.Execute) is { } denied)
        {
            RemoveDirectory(name);
            throw new InvalidOperationException(
                $"instance directory '{directory}' is out of reach of its uid {owner.Uid}: {denied}; every directory above {SupervisorOptions.SectionName}:InstanceDirectory must be enterable by others (o+x)");
        }

        return new InstanceSandbox(user, directory, drop);
    }

    private void RemoveDirectory(string name)
    {
        try
        {
            _directories.Remove(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _metrics.Errors.Add(1);
            LogDirectoryNotRemoved(e, _directories.PathOf(name));
        }
    }

    /// <summary>
    /// The launch shell joins the group before it execs the user's program; wait until it has (or has exited,
    /// which the exit watcher reports) so that InstanceStarted means "running under its limits".
    /// </summary>
    private async Task WaitForExecAsync(int pid, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (InstanceLauncher.InPrologue(pid) && _time.GetElapsedTime(started).TotalMilliseconds <= PlacementTimeoutMs)
        {
            await Task.Delay(1, cancellationToken);
        }
    }

    private async Task WaitForPlacementAsync(string name, int pid, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (!_driver.Contains(name, pid) && InstanceLauncher.IsRunning(pid))
        {
            if (_time.GetElapsedTime(started).TotalMilliseconds > PlacementTimeoutMs)
            {
                LibC.Kill(pid, LibC.SigKill);
                throw new InvalidOperationException($"process {pid} did not join group '{name}' within {PlacementTimeoutMs} ms");
            }

            await Task.Delay(1, cancellationToken);
        }
    }

    private async Task<(InstanceNetwork Network, int? Index)> SetUpNetworkAsync(StartSpec spec, CancellationToken cancellationToken)
    {
        var used = _instances.Values.Select(i => i.State.NetworkIndex).OfType<int>().ToHashSet();
        var capacity = InstanceNetwork.Capacity(_options.NetworkSubnet);
        var index = Enumerable.Range(0, capacity).FirstOrDefault(i => !used.Contains(i), -1);
        if (index < 0)
        {
            throw new InvalidOperationException($"network subnet {_options.NetworkSubnet} has no free /30 left ({capacity} in use)");
        }

        var network = InstanceNetwork.For(spec.InstanceId, _options.NetworkSubnet, index, _options.StateDirectory);
        try
        {
            await _network!.SetUpAsync(network, spec.Limits.NetworkMbps, cancellationToken);
        }
        catch
        {
            await TearDownNetworkAsync(network);
            throw;
        }

        return (network, index);
    }

    private async Task TearDownNetworkAsync(InstanceNetwork? network)
    {
        if (network is not null && _network is not null)
        {
            await _network.TearDownAsync(network, CancellationToken.None);
        }
    }

    private InstanceNetwork? NetworkOf(InstanceState state) =>
        state.NetworkIndex is { } index ? InstanceNetwork.For(state.InstanceId, _options.NetworkSubnet, index, _options.StateDirectory) : null;

    /// <summary>
    /// Whether the instance gets its own namespace: when its start asks for it, and for every instance under
    /// <c>Supervisor:NetworkIsolation=always</c> when this agent can (root and iproute2), so that every instance's
    /// traffic is measured and capped without the controller opting in.
    /// </summary>
    private bool IsolatesNetwork(StartSpec spec) =>
        spec.NetworkIsolation || (_network is not null && _options.NetworkIsolation == NetworkIsolationModes.Always);

    private string NetworkNotEnforced => _network is null
        ? "network limits need root and iproute2 on this node"
        : "enforced only for network-isolated instances (Supervisor:NetworkIsolation=on-request)";

    private static ResourceQuantity ToQuantity(InstanceLimits limits) => new(limits.CpuMillicores, limits.MemoryMiB, limits.NetworkMbps);
}
