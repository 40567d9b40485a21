using Edge.Agent.Footprint;

namespace Edge.Agent.Tests.Footprint;

/// <summary>Parsing /proc/PID/maps and smaps lines (proc_pid_maps(5)), odd paths included, and which mappings may be trimmed.</summary>
public sealed class MemoryMappingTests
{
    [Fact]
    public void Parse_ExecutableText_AllFields()
    {
        var m = MemoryMapping.Parse("560fc04a9000-560fc0b6a000 r-xp 00015000 fe:00 11667673                   /opt/edge/agent/edge-agent");

        Assert.Equal(0x560fc04a9000UL, m.Start);
        Assert.Equal(0x560fc0b6a000UL, m.End);
        Assert.Equal(0x6c1000UL, m.Length);
        Assert.Equal("r-xp", m.Permissions);
        Assert.Equal(0x15000UL, m.Offset);
        Assert.Equal("fe:00", m.Device);
        Assert.Equal(11667673UL, m.Inode);
        Assert.Equal("/opt/edge/agent/edge-agent", m.Path);
        Assert.True(m.Readable && !m.Writable && m.Private && m.FileBacked && !m.Deleted);
    }

    [Theory]
    [InlineData("7f61a1cca000-7f61a1e20000 r-xp 00026000 fe:00 332096 /usr/lib/my libs/lib c.so.6", "/usr/lib/my libs/lib c.so.6", true, false)]
    [InlineData("7f61a1cca000-7f61a1e20000 r--p 00000000 fe:00 332096    /srv/new\\012line.so", "/srv/new\\012line.so", true, false)]
    [InlineData("7f61a1cca000-7f61a1e20000 r--p 00000000 fe:00 332096 /opt/edge/agent/edge-agent (deleted)", "/opt/edge/agent/edge-agent (deleted)", true, true)]
    [InlineData("7f61a1cca000-7f61a1e20000 r--p 00000000 fe:00 332096 /opt/a-b:c/x.so", "/opt/a-b:c/x.so", true, false)]
    [InlineData("560ff71c5000-560ff7263000 rw-p 00000000 00:00 0                          [heap]", "[heap]", false, false)]
    [InlineData("7ffe4750f000-7ffe47530000 rw-p 00000000 00:00 0 [stack]", "[stack]", false, false)]
    [InlineData("7f55d9800000-7f55d9c01000 rw-p 00000000 00:00 0 ", "", false, false)]
    [InlineData("7f55d9800000-7f55d9c01000 rw-p 00000000 00:00 0", "", false, false)]
    [InlineData("7f0000000000-7f0000001000 r-xs 00000000 00:01 2048 /memfd:doublemapper (deleted)", "/memfd:doublemapper (deleted)", true, true)]
    [InlineData("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", "[vsyscall]", false, false)]
    public void Parse_OddPaths_KeptWhole(string line, string path, bool fileBacked, bool deleted)
    {
        var m = MemoryMapping.Parse(line);

        Assert.Equal(path, m.Path);
        Assert.Equal(fileBacked, m.FileBacked);
        Assert.Equal(deleted, m.Deleted);
    }

    [Theory]
    [InlineData("", "address range")]
    [InlineData("Rss:                 168 kB", "address range")]
    [InlineData("560fc04a9000 r-xp 00015000 fe:00 1 /x", "address range")]
    [InlineData("zz-560fc0b6a000 r-xp 00015000 fe:00 1 /x", "address range")]
    [InlineData("2000-1000 r-xp 00015000 fe:00 1 /x", "address range")]
    [InlineData("1000-2000 rwx 00015000 fe:00 1 /x", "permissions")]
    [InlineData("1000-2000 r-xq 00015000 fe:00 1 /x", "permissions")]
    [InlineData("1000-2000 r-xp 0001500g fe:00 1 /x", "offset")]
    [InlineData("1000-2000 r-xp 00015000 fe00 1 /x", "device")]
    [InlineData("1000-2000 r-xp 00015000 fe:00 -1 /x", "inode")]
    [InlineData("1000-2000 r-xp 00015000 fe:00", "inode")]
    public void Parse_Malformed_NamesTheFieldAndLine(string line, string field)
    {
        var ex = Assert.Throws<FormatException>(() => MemoryMapping.Parse(line));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{line}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSmaps_ReadsRssAndAnonymousPerMapping()
    {
        string[] smaps =
        [
            "560fc0b6a000-560fc0eba000 r--p 006d6000 fe:00 11667673                   /opt/edge/agent/edge-agent",
            "Size:               3392 kB",
            "Rss:                2944 kB",
            "Anonymous:             0 kB",
            "VmFlags: rd mr mw me sd",
            "7f61a1e73000-7f61a1e77000 r--p 001cf000 fe:00 332096                     /usr/lib/x86_64-linux-gnu/libc.so.6",
            "Rss:                  16 kB",
            "Anonymous:            16 kB",
            "AnonHugePages:         0 kB",
            "VmFlags: rd mr mw me ac sd",
        ];

        var mappings = MemoryMapping.ParseSmaps(smaps);

        Assert.Equal(2, mappings.Count);
        Assert.Equal((2944L, 0L), (mappings[0].RssKiB, mappings[0].AnonymousKiB));
        Assert.Equal((16L, 16L), (mappings[1].RssKiB, mappings[1].AnonymousKiB));
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc.so.6", mappings[1].Path);
    }

    [Fact]
    public void ParseSmaps_GarbageLine_NamesLineNumber()
    {
        var ex = Assert.Throws<FormatException>(() => MemoryMapping.ParseSmaps(["1000-2000 r--p 00000000 fe:00 1 /x.so", "Rss: 4 kB", "what is this"]));

        Assert.Contains("smaps line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'what is this'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseSmaps_SizeWithoutKiB_NamesLine()
    {
        var ex = Assert.Throws<FormatException>(() => MemoryMapping.ParseSmaps(["1000-2000 r--p 00000000 fe:00 1 /x.so", "Rss: lots"]));

        Assert.Contains("smaps line 2: 'Rss: lots'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("r--p", 100, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", true)]
    [InlineData("r-xp", 100, 0, "/opt/edge/agent/edge-agent", true)]
    [InlineData("r-xp", 100, 0, "/usr/lib/libfoo.so", true)]
    [InlineData("r--p", 100, 16, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // RELRO: relocated, then read-only
    [InlineData("r--p", 100, -1, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // from maps: anonymous part unknown
    [InlineData("rw-p", 100, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // writable
    [InlineData("r--s", 100, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // shared
    [InlineData("---p", 100, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // guard
    [InlineData("r--p", 0, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", false)] // nothing resident
    [InlineData("r--p", 100, 0, "/var/lib/edge-agent/spool/data.bin", false)] // a data file: could be unmapped any time
    [InlineData("r--p", 100, 0, "/usr/lib/libfoo.so (deleted)", false)]
    [InlineData("r--p", 100, 0, "/usr/lib/solar.sock", false)]
    public void IsTrimmable_OnlyCleanReadOnlyPrivateCode(string perms, long rss, long anonymous, string path, bool trimmable)
    {
        var m = MemoryMapping.Parse($"1000-9000 {perms} 00000000 fe:00 42 {path}") with { RssKiB = rss, AnonymousKiB = anonymous };

        Assert.Equal(trimmable, ResidentTrimmer.IsTrimmable(m, "/opt/edge/agent/edge-agent"));
    }

    [Theory]
    [InlineData("[heap]")]
    [InlineData("")]
    public void IsTrimmable_Anonymous_Never(string path)
    {
        var m = MemoryMapping.Parse($"1000-9000 r--p 00000000 00:00 0 {path}") with { RssKiB = 32, AnonymousKiB = 0 };

        Assert.False(ResidentTrimmer.IsTrimmable(m, path));
    }
}
