using System.Globalization;
using System.Text;
using Edge.Common.Api;
using Edge.Ctl.Cli;

namespace Edge.Ctl.Nodes;

/// <summary>The text of <c>nodes describe</c> and of a node's scheduling state.</summary>
internal static class NodeText
{
    public static string Scheduling(NodeScheduling s)
    {
        var text = s.Cordoned ? "cordoned" + (s.Reason is { Length: > 0 } r ? $" ({r})" : "") : "schedulable";
        if (s.Drain is { } d)
        {
            text += $"; drain {d.State}, {d.Instances.Count} instance(s)" + (d.Message is { Length: > 0 } m ? $": {m}" : "");
        }

        return text;
    }

    public static string Describe(NodeDetail d, DateTimeOffset now)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Node:        {d.NodeId}");
        text.AppendLine(inv, $"Online:      {(d.Online ? "yes" : "no")} (last seen {Units.Age(d.LastSeen, now)} ago)");
        if (d.Status is { } s)
        {
            text.AppendLine(inv, $"Capacity:    {Units.Cpu(s.Capacity.CpuMillicores)} CPU, {Units.Memory(s.Capacity.MemoryMiB)} memory");
            text.AppendLine(inv, $"Tier:        {Units.Name(s.Pricing.Tier)} ({s.Provider})");
            text.AppendLine(inv, $"Agent:       {s.AgentVersion} (cgroup {Units.Name(s.CgroupMode)}, {s.EnforcementMode})");
            if (s.Labels.Count > 0)
            {
                text.AppendLine(inv, $"Labels:      {string.Join(", ", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}");
            }
        }

        text.AppendLine(inv, $"Scheduling:  {Scheduling(d.Scheduling)}");
        if (d.Reserved is { } r)
        {
            text.AppendLine(inv, $"Reserved:    {Units.Cpu(r.CpuMillicores)} CPU, {Units.Memory(r.MemoryMiB)} memory");
        }

        text.AppendLine(inv, $"Instances:   {d.Instances.Count}");
        if (d.Instances.Count > 0)
        {
            var table = new Table("  INSTANCE", "COMPONENT", "RUN", "STATE", "CPU", "MEMORY", "MIGRATABLE", "AGE");
            foreach (var i in d.Instances)
            {
                table.Add("  " + i.InstanceId, i.ComponentId, i.WorkflowRunId, i.State, Units.Cpu(i.Reserved.CpuMillicores), Units.Memory(i.Reserved.MemoryMiB), i.Migratable ? "yes" : "no", Units.Age(i.CreatedAt, now));
            }

            text.Append(table.ToString());
        }

        if (d.Scheduling.Drain is { Instances.Count: > 0 } drain)
        {
            var deadline = drain.Deadline is { } dl ? ", deadline " + dl.ToString("u", inv) : "";
            text.AppendLine(inv, $"Drain:       {drain.State} since {drain.StartedAt.ToString("u", inv)}{deadline}");
            text.Append(DrainTable(drain));
        }

        return text.ToString();
    }

    public static string DrainTable(DrainProgress drain)
    {
        var table = new Table("  INSTANCE", "COMPONENT", "ACTION", "TARGET", "MESSAGE");
        foreach (var i in drain.Instances)
        {
            table.Add("  " + i.InstanceId, i.ComponentId, i.Action, i.TargetNode, i.Message);
        }

        return table.ToString();
    }
}
