namespace Edge.Agent.Cgroups;

/// <summary>What stat(2) says about a file: its owner, group and st_mode (file type and permission bits).</summary>
internal readonly record struct FileStatus(uint Uid, uint Gid, uint Mode)
{
    private const uint TypeMask = 0xF000;

    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;
    public bool IsDirectory => (Mode & TypeMask) == 0x4000;
    public bool IsSymlink => (Mode & TypeMask) == 0xA000;
    public bool IsSocket => (Mode & TypeMask) == 0xC000;

    /// <summary>Group- or world-writable.</summary>
    public bool IsWritableByOthers => (Mode & 0x12) != 0;

    /// <summary>The sticky bit: only an entry's owner (or root) may rename or remove it (chmod(2) S_ISVTX).</summary>
    public bool IsSticky => (Mode & 0x200) != 0;

    /// <summary>The permission bits in octal, e.g. "0755".</summary>
    public string Permissions => "0" + Convert.ToString(Mode & 0xFFF, 8);
}
