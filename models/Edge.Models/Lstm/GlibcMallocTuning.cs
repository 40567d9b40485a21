using System.Runtime.InteropServices;

namespace Edge.Models.Lstm;

/// <summary>
/// Fixes glibc's mmap threshold at its 128 KiB default. glibc raises the threshold each time a large mmapped block
/// is freed (mallopt(3), "dynamic mmap threshold"), after which libtorch's per-batch activations (a few hundred KiB
/// each) are served from the heap arenas and their freed memory is not returned: training RSS climbed from about
/// 250 MiB to 1.1 GiB on the Bitbrains month. Setting the threshold explicitly turns the adjustment off, which kept
/// the peak at about 260 MiB. No effect (and no error) where glibc's mallopt is absent, e.g. musl or non-Linux.
/// </summary>
internal static class GlibcMallocTuning
{
    private const int MmapThresholdParameter = -3;
    private const int DefaultMmapThreshold = 128 * 1024;
    private static int s_applied;

    public static void FixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_applied, 1) == 1)
        {
            return;
        }

        try
        {
            _ = MallOpt(MmapThresholdParameter, DefaultMmapThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }

    // DllImport rather than LibraryImport: the generated stub would need AllowUnsafeBlocks for this one int call.
    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);
}
