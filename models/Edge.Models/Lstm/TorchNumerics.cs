using System.Runtime.InteropServices;
using TorchSharp;

namespace Edge.Models.Lstm;

/// <summary>
/// Keeps libtorch's LSTM arithmetic the same on every x86-64 CPU by turning off its oneDNN (MKL-DNN) path once per
/// process, before the first model is built.
/// <para>
/// Why: on AMD EPYC hosts whose CPUs report AVX-512 (checked here on one with AVX-512 BF16), libtorch 2.10 runs a float32
/// LSTM through oneDNN 3.7's <c>brgemm:avx512_core</c> RNN kernel (seen with <c>ONEDNN_VERBOSE=1</c>), and its outputs
/// differ from the plain float32 equations by about 0.2% (1.7822 against 1.7851 on the same weights and input). The
/// same kernel family at <c>ONEDNN_MAX_CPU_ISA=AVX2</c>, oneDNN's reference kernel at <c>SSE41</c>, and libtorch's own
/// (ATen) LSTM all agree with <see cref="ManagedQuantileLstm"/> to 1e-4. So trained models and forecasts depended on
/// which CPU the controller ran on, and three LSTM tests failed on those hosts only.
/// </para>
/// <para>
/// How: TorchSharp 0.107 has no switch for it, so this calls libtorch's exported
/// <c>at::globalContext().setUserEnabledMkldnn(false)</c> — the switch behind PyTorch's
/// <c>torch.backends.mkldnn.enabled = False</c> — through its C++ symbol names (Itanium ABI: <c>this</c> is the first
/// argument). ATen then uses its native LSTM (addmm + pointwise gates), which is what PyTorch does on CPUs without
/// oneDNN. If the symbols cannot be found (another libtorch build), <see cref="Configure"/> throws with the names it
/// looked for rather than running with CPU-dependent numerics.
/// </para>
/// </summary>
internal static unsafe class TorchNumerics
{
    internal const string GlobalContextSymbol = "_ZN2at13globalContextEv";
    internal const string SetUserEnabledMkldnnSymbol = "_ZN2at7Context20setUserEnabledMkldnnEb";
    internal const string UserEnabledMkldnnSymbol = "_ZNK2at7Context17userEnabledMkldnnEv";
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>Turns libtorch's oneDNN path off for this process (idempotent, thread-safe).</summary>
    public static void Configure()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            var context = GlobalContext(out var library);
            var set = (delegate* unmanaged<IntPtr, byte, void>)Export(library, SetUserEnabledMkldnnSymbol);
            set(context, 0);
            _configured = true;
        }
    }

    /// <summary>Whether libtorch would use oneDNN now (false after <see cref="Configure"/>).</summary>
    public static bool OneDnnEnabled()
    {
        var context = GlobalContext(out var library);
        var get = (delegate* unmanaged<IntPtr, byte>)Export(library, UserEnabledMkldnnSymbol);
        return get(context) != 0;
    }

    private static IntPtr GlobalContext(out IntPtr library)
    {
        // Loads libtorch through TorchSharp first, so the handle below is the library TorchSharp uses.
        _ = torch.get_num_threads();
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, null, out library))
        {
            throw new DllNotFoundException("libtorch_cpu.so could not be loaded to switch off libtorch's oneDNN LSTM path; is the libtorch-cpu-linux-x64 package's native folder deployed beside TorchSharp?");
        }

        var globalContext = (delegate* unmanaged<IntPtr>)Export(library, GlobalContextSymbol);
        return globalContext();
    }

    private static IntPtr Export(IntPtr library, string symbol) =>
        NativeLibrary.TryGetExport(library, symbol, out var address)
            ? address
            : throw new EntryPointNotFoundException($"libtorch_cpu.so exports no '{symbol}'; this libtorch build cannot have its oneDNN path switched off, and its LSTM numerics would depend on the CPU");
}
