using System.Runtime;
using System.Runtime.InteropServices;

namespace Edge.Agent.Footprint;

/// <summary>
/// Gives back resident memory the agent touched once and no longer uses, without changing what any address holds:
/// <list type="number">
/// <item>a blocking, compacting, aggressive full GC, which also returns the GC's free regions and the unused end of the
/// ephemeral region to the OS (<see cref="GCCollectionMode.Aggressive"/>);</item>
/// <item><c>madvise(MADV_DONTNEED)</c> on the clean pages of read-only private file mappings: the executable's code
/// and read-only data, libc's. Startup, configuration binding and dependency injection run code once that stays
/// resident for the life of the process. Per madvise(2), after MADV_DONTNEED a private file mapping's pages are
/// refilled "from the up-to-date contents of the underlying mapped file" on the next access, so for a page that
/// still equals the file nothing changes but residency (a minor fault from the page cache when touched again).</item>
/// </list>
/// What it never touches (<see cref="IsTrimmable"/>): writable mappings, shared mappings, anonymous memory and kernel
/// areas, and any read-only mapping holding anonymous (copy-on-write) pages, such as a library's RELRO segment
/// relocated by the dynamic loader and made read-only afterwards: discarding those would bring back the file's
/// unrelocated bytes. Only the executable and shared objects qualify: they are mapped at load and never unmapped by
/// .NET (it does not dlclose), so a mapping read from smaps is still the same mapping when advised a moment later; a
/// data file someone maps and unmaps could be replaced by anonymous memory in between, which MADV_DONTNEED would zero.
/// </summary>
internal static class ResidentTrimmer
{
    /// <summary>MADV_DONTNEED from linux/mman.h (asm-generic/mman-common.h).</summary>
    private const int MadvDontNeed = 4;

    /// <summary>Where the current process's mappings are listed with their resident and anonymous sizes.</summary>
    public const string SelfSmaps = "/proc/self/smaps";

    /// <summary>
    /// A mapping whose resident pages can be dropped without changing its contents: readable, not writable, private,
    /// backed by a file that still exists and is <paramref name="executable"/> or a shared object, with no anonymous
    /// (modified) page. Requires smaps' <c>Anonymous:</c>.
    /// </summary>
    public static bool IsTrimmable(MemoryMapping mapping, string? executable) =>
        mapping.Readable && !mapping.Writable && mapping.Private && mapping.FileBacked && !mapping.Deleted
        && mapping.AnonymousKiB == 0 && mapping.RssKiB > 0
        && (mapping.Path == executable || IsSharedObject(mapping.Path));

    /// <summary>A file named like a shared object: <c>name.so</c> or <c>name.so.VERSION</c> (ld.so(8)).</summary>
    public static bool IsSharedObject(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal);
    }

    /// <summary>The compacting, memory-returning full collection of step 1.</summary>
    public static void CompactHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>
    /// Step 2 over <paramref name="mappings"/> (parsed from smaps): advises every trimmable one through
    /// <paramref name="advise"/> (start, length; 0 on success, else an errno) and returns what was asked.
    /// </summary>
    public static TrimOutcome DropCleanFilePages(IEnumerable<MemoryMapping> mappings, string? executable, Func<ulong, ulong, int> advise)
    {
        var advised = 0;
        var failed = 0;
        long residentKiB = 0;
        string? firstError = null;
        foreach (var mapping in mappings)
        {
            if (!IsTrimmable(mapping, executable))
            {
                continue;
            }

            var errno = advise(mapping.Start, mapping.Length);
            if (errno == 0)
            {
                advised++;
                residentKiB += mapping.RssKiB;
            }
            else
            {
                failed++;
                firstError ??= $"madvise({mapping.Start:x}-{mapping.End:x} {mapping.Path}) failed with errno {errno}";
            }
        }

        return new TrimOutcome(advised, residentKiB, failed, firstError);
    }

    /// <summary>Both steps on the current process; reads <see cref="SelfSmaps"/> after the collection.</summary>
    public static TrimOutcome TrimSelf()
    {
        CompactHeap();
        var mappings = MemoryMapping.ParseSmaps(File.ReadLines(SelfSmaps));
        return DropCleanFilePages(mappings, Environment.ProcessPath, MadviseDontNeed);
    }

    /// <summary>madvise(MADV_DONTNEED) on the current process; 0 or the errno.</summary>
    public static int MadviseDontNeed(ulong start, ulong length) =>
        Madvise((nint)start, (nuint)length, MadvDontNeed) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);
}

/// <param name="Mappings">Mappings advised.</param>
/// <param name="ResidentKiB">What was resident in them before (smaps Rss), the most that was dropped.</param>
/// <param name="Failed">Mappings madvise refused.</param>
/// <param name="FirstError">The first refusal, naming the mapping and errno.</param>
internal sealed record TrimOutcome(int Mappings, long ResidentKiB, int Failed, string? FirstError);
