using System.Runtime.InteropServices;
using System.Text.Json;
using Edge.Agent.Footprint;
using Microsoft.Win32.SafeHandles;

namespace Edge.Agent.Tests.Footprint;

/// <summary>
/// The trimmer on real mappings of this test process: a clean read-only private file mapping loses its resident pages
/// and reads back the file's bytes; a read-only mapping holding written (copy-on-write) pages, the shape of a
/// library's RELRO segment, keeps them; so does a writable one. And the whole test process (libcoreclr, the JIT,
/// libc) keeps working after a trim.
/// </summary>
public sealed class ResidentTrimmerTests
{
    private const int Pages = 16;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void DropCleanFilePages_CleanSharedObjectMapping_DroppedAndReadsBackTheFile()
    {
        using var dir = new TempDirectory();
        using var file = Fixture(dir, "libfixture.so");
        var clean = Map(file, ProtRead);
        try
        {
            TouchAll(clean);
            var before = MappingAt(clean);
            Assert.Equal(Pages * PageSize / 1024, before.RssKiB);
            Assert.Equal(0, before.AnonymousKiB);

            var outcome = ResidentTrimmer.DropCleanFilePages([before], executable: null, ResidentTrimmer.MadviseDontNeed);

            Assert.Equal((1, (long)(Pages * PageSize / 1024), 0), (outcome.Mappings, outcome.ResidentKiB, outcome.Failed));
            Assert.Equal(0, MappingAt(clean).RssKiB);
            for (var page = 0; page < Pages; page++)
            {
                Assert.Equal((byte)(page + 1), Marshal.ReadByte(clean, page * PageSize + 7));
            }

            Assert.Equal(Pages * PageSize / 1024, MappingAt(clean).RssKiB);
        }
        finally
        {
            Unmap(clean);
        }
    }

    [Fact]
    public void DropCleanFilePages_ReadOnlyWithWrittenPages_KeptWhileMadviseAloneWouldRevertThem()
    {
        using var dir = new TempDirectory();
        using var file = Fixture(dir, "librelro.so");
        var relro = Map(file, ProtRead | ProtWrite);
        var control = Map(file, ProtRead | ProtWrite);
        try
        {
            // What the dynamic loader does to RELRO: write (relocate) private copies, then make them read-only.
            foreach (var mapping in (nint[])[relro, control])
            {
                TouchAll(mapping);
                Marshal.WriteByte(mapping, 7, 0xEE);
                Assert.Equal(0, Mprotect(mapping, (nuint)(Pages * PageSize), ProtRead));
            }

            var relroMapping = MappingAt(relro);
            Assert.Equal("r--p", relroMapping.Permissions);
            Assert.Equal(PageSize / 1024, relroMapping.AnonymousKiB);

            var outcome = ResidentTrimmer.DropCleanFilePages([relroMapping], executable: null, ResidentTrimmer.MadviseDontNeed);

            Assert.Equal(0, outcome.Mappings);
            Assert.Equal(0xEE, Marshal.ReadByte(relro, 7));
            Assert.Equal(relroMapping.RssKiB, MappingAt(relro).RssKiB);

            // The danger the Anonymous check guards against: advised anyway, the written page reverts to the file.
            Assert.Equal(0, ResidentTrimmer.MadviseDontNeed((ulong)control, (ulong)(Pages * PageSize)));
            Assert.Equal(1, Marshal.ReadByte(control, 7));
        }
        finally
        {
            Unmap(relro);
            Unmap(control);
        }
    }

    [Fact]
    public void DropCleanFilePages_WritablePrivateFileMapping_Kept()
    {
        using var dir = new TempDirectory();
        using var file = Fixture(dir, "libdata.so");
        var writable = Map(file, ProtRead | ProtWrite);
        try
        {
            TouchAll(writable);
            Marshal.WriteByte(writable, PageSize + 3, 0xAB);
            var mapping = MappingAt(writable);
            Assert.Equal("rw-p", mapping.Permissions);

            var outcome = ResidentTrimmer.DropCleanFilePages([mapping], executable: null, ResidentTrimmer.MadviseDontNeed);

            Assert.Equal(0, outcome.Mappings);
            Assert.Equal(0xAB, Marshal.ReadByte(writable, PageSize + 3));
            Assert.Equal(mapping.RssKiB, MappingAt(writable).RssKiB);
        }
        finally
        {
            Unmap(writable);
        }
    }

    [Fact]
    public void DropCleanFilePages_MadviseRefuses_CountedAndNamed()
    {
        var mapping = MemoryMapping.Parse("1000-3000 r-xp 00000000 fe:00 42 /usr/lib/libx.so") with { RssKiB = 8, AnonymousKiB = 0 };

        var outcome = ResidentTrimmer.DropCleanFilePages([mapping, mapping], executable: null, (_, _) => 22);

        Assert.Equal((0, 2), (outcome.Mappings, outcome.Failed));
        Assert.Equal("madvise(1000-3000 /usr/lib/libx.so) failed with errno 22", outcome.FirstError);
    }

    [Fact]
    public void TrimSelf_WholeTestProcess_DropsPagesAndKeepsWorking()
    {
        var before = ResidentMemory.ReadSelf();

        var outcome = ResidentTrimmer.TrimSelf();

        // libcoreclr, the JIT, libSystem.Native and libc are mapped by every .NET process; their code was resident.
        Assert.True(outcome.Mappings > 0, $"no mapping advised: {outcome}");
        Assert.True(outcome.ResidentKiB > 0, $"nothing was resident in the advised mappings: {outcome}");
        Assert.Null(outcome.FirstError);
        Assert.True(before.FileKiB > 0);
        // Code from the dropped pages runs again (jitting, JSON, native interop), with the right results.
        var json = JsonSerializer.Serialize(new Dictionary<string, int> { ["pages"] = Pages });
        Assert.Equal("{\"pages\":16}", json);
        Assert.Equal(Pages, JsonDocument.Parse(json).RootElement.GetProperty("pages").GetInt32());
        Assert.True(ResidentMemory.ReadSelf().RssKiB > 0);
    }

    [Fact]
    public void ResidentMemory_Parse_StatusFields()
    {
        var memory = ResidentMemory.Parse(["Name:\tedge-agent", "VmRSS:\t   22344 kB", "RssAnon:\t   10048 kB", "RssFile:\t   12296 kB", "RssShmem:\t       0 kB"]);

        Assert.Equal(new ResidentMemory(22344, 10048, 12296, 0), memory);
        Assert.Equal("RSS 22344 KiB (anon 10048, file 12296, shmem 0)", memory.ToString());
    }

    /// <summary>A file of <see cref="Pages"/> pages, page i filled with byte i + 1.</summary>
    private static SafeFileHandle Fixture(TempDirectory dir, string name)
    {
        var path = dir.Combine(name);
        var bytes = new byte[Pages * PageSize];
        for (var page = 0; page < Pages; page++)
        {
            bytes.AsSpan(page * PageSize, PageSize).Fill((byte)(page + 1));
        }

        File.WriteAllBytes(path, bytes);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
    }

    private static nint Map(SafeFileHandle file, int protection)
    {
        var address = Mmap(0, (nuint)(Pages * PageSize), protection, MapPrivate, file.DangerousGetHandle().ToInt32(), 0);
        Assert.NotEqual(-1, address);
        return address;
    }

    private static void Unmap(nint address) => Assert.Equal(0, Munmap(address, (nuint)(Pages * PageSize)));

    private static void TouchAll(nint address)
    {
        for (var page = 0; page < Pages; page++)
        {
            Assert.Equal((byte)(page + 1), Marshal.ReadByte(address, page * PageSize));
        }
    }

    private static MemoryMapping MappingAt(nint address) =>
        MemoryMapping.ParseSmaps(File.ReadLines(ResidentTrimmer.SelfSmaps)).Single(m => m.Start == (ulong)address);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(nint address, nuint length);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(nint address, nuint length, int protection);
}
