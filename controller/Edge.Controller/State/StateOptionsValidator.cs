using Microsoft.Extensions.Options;

namespace Edge.Controller.State;

/// <summary>Checks <c>Controller:State</c>, naming each offending value.</summary>
internal sealed class StateOptionsValidator(bool clustered) : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        var errors = new List<string>();
        const string S = StateOptions.SectionName;
        if (options.Backend is { } backend && !Enum.IsDefined(backend))
        {
            errors.Add($"{S}:Backend '{backend}' must be sqlite or etcd");
        }
        else if (options.Backend == StateBackend.Etcd && !clustered)
        {
            errors.Add($"{S}:Backend 'etcd' needs cluster mode: set Controller:Cluster:Etcd to the etcd endpoints, or use Backend 'sqlite'");
        }

        if (options.EtcdMaxTxnOps is < 2 or > 1_000_000)
        {
            errors.Add($"{S}:EtcdMaxTxnOps {options.EtcdMaxTxnOps} must be between 2 and 1000000 (etcd's --max-txn-ops, 128 by default)");
        }

        if (options.EtcdMaxRequestBytes is < 1024 or > 512 * 1024 * 1024)
        {
            errors.Add($"{S}:EtcdMaxRequestBytes {options.EtcdMaxRequestBytes} must be between 1024 and 536870912 (etcd's --max-request-bytes, 1572864 by default)");
        }

        if (options.EtcdTimeout < TimeSpan.FromMilliseconds(100) || options.EtcdTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:EtcdTimeout {options.EtcdTimeout} must be between 100 ms and 10 minutes");
        }

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{S}:Path '{options.Path}' must name a file");
        }
        else if (options.Path.EndsWith('/') || Path.GetFileName(options.Path).Length == 0)
        {
            errors.Add($"{S}:Path '{options.Path}' names a directory, not a file");
        }

        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:BusyTimeout {options.BusyTimeout} must be between 1 ms and 10 minutes");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add($"{S}:Synchronous '{options.Synchronous}' must be Full or Normal");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
