namespace Edge.Agent.Supervision;

/// <summary>The uid and gid an instance runs as.</summary>
internal readonly record struct InstanceUser(uint Uid, uint Gid)
{
    public bool IsRoot => Uid == 0;

    public override string ToString() => $"{Uid}:{Gid}";
}
