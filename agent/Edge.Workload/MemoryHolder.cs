using System.Runtime.InteropServices;

namespace Edge.Workload;

/// <summary>
/// Holds a target amount of native memory, every page touched so that it is resident. Native rather than managed
/// memory so the GC's own container limit (75% of a cgroup limit) does not turn an over-allocation into an
/// OutOfMemoryException: the point is to behave like a component that the kernel OOM-kills.
/// </summary>
internal sealed class MemoryHolder : IDisposable
{
    private const int ChunkBytes = 1 << 20;
    private const int PageBytes = 4096;
    private readonly List<IntPtr> _chunks = [];

    public int HeldMiB => _chunks.Count;

    public void SetMiB(double mib)
    {
        var target = (int)Math.Round(mib);
        while (_chunks.Count < target)
        {
            var chunk = Marshal.AllocHGlobal(ChunkBytes);
            for (var offset = 0; offset < ChunkBytes; offset += PageBytes)
            {
                Marshal.WriteByte(chunk, offset, 1);
            }

            _chunks.Add(chunk);
        }

        while (_chunks.Count > target)
        {
            Marshal.FreeHGlobal(_chunks[^1]);
            _chunks.RemoveAt(_chunks.Count - 1);
        }
    }

    public void Dispose() => SetMiB(0);
}
