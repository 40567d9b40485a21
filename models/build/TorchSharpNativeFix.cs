// Compiled by MSBuild's RoslynCodeTaskFactory (against netstandard2.0) from models/build/TorchSharpNativeFix.targets;
// not part of any project.
#nullable enable
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Makes TorchSharp's native <c>libLibTorchSharp.so</c> loadable on hosts whose libstdc++ is older than the one it
/// was linked against (it needs GLIBCXX_3.4.32; Debian 12 has 3.4.30).
/// For every libstdc++ symbol version the library needs and the system libstdc++ does not define, the task checks
/// that the only symbols bound to that version are ones <c>libedge-glibcxx-shim.so</c> supplies, then:
/// (1) adds the shim as a DT_NEEDED entry with patchelf and copies the shim beside the library (the library's
/// RUNPATH starts with $ORIGIN, so the dynamic linker finds it there), and (2) sets VER_FLG_WEAK on that version's
/// Vernaux entry in .gnu.version_r, so glibc's ld.so reports a missing version as a warning instead of refusing to
/// load (see glibc elf/dl-version.c, match_symbol). ELF layouts follow the System V gABI and the LSB's symbol
/// versioning chapter. The patched file replaces the original atomically (write beside, then rename), which also
/// breaks any hard link into the NuGet cache. A file already in that state is left untouched (idempotent).
/// </summary>
public sealed class EdgeTorchSharpNativeFix : Task
{
    private const uint ShtDynamic = 6;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;
    private const string LibStdCxx = "libstdc++.so.6";
    private const string ShimName = "libedge-glibcxx-shim.so";
    private const string InstallHint = "install it with: apt-get install patchelf gcc";

    /// <summary>Symbols the shim defines; a missing version binding any other symbol cannot be fixed this way.</summary>
    private static readonly HashSet<string> ShimSymbols = new HashSet<string>(StringComparer.Ordinal)
    {
        "_ZSt21ios_base_library_initv",
    };

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string ShimSource { get; set; } = "";
    [Required] public string ShimOutput { get; set; } = "";
    public string SystemLibStdCxx { get; set; } = "";
    public string Mode { get; set; } = "auto";
    public string Compiler { get; set; } = "cc";
    public string PatchElf { get; set; } = "patchelf";
    [Output] public ITaskItem[] PatchedFiles { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        bool always = string.Equals(Mode, "always", StringComparison.OrdinalIgnoreCase);
        if (!always && !string.Equals(Mode, "auto", StringComparison.OrdinalIgnoreCase))
        {
            Log.LogError("EdgeTorchSharpNativeFix='{0}' is not one of auto, always, off.", Mode);
            return false;
        }

        HashSet<string>? systemVersions = null;
        if (!always)
        {
            if (!string.IsNullOrEmpty(SystemLibStdCxx) && !File.Exists(SystemLibStdCxx))
            {
                Log.LogError("EdgeSystemLibStdCxx='{0}' does not exist.", SystemLibStdCxx);
                return false;
            }

            string? libPath = FindSystemLibStdCxx();
            if (libPath == null)
            {
                Log.LogMessage(MessageImportance.High,
                    "TorchSharp native fix: no system {0} found (set EdgeSystemLibStdCxx); nothing patched.", LibStdCxx);
                return true;
            }

            systemVersions = ElfFile.Read(libPath).DefinedVersions();
        }

        var patched = new List<ITaskItem>();
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                continue;
            }

            if (!FixOne(path, systemVersions))
            {
                return false;
            }

            patched.Add(item);
        }

        PatchedFiles = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    private bool FixOne(string path, HashSet<string>? systemVersions)
    {
        ElfFile elf = ElfFile.Read(path);
        List<ElfFile.VersionNeed> targets = elf.VersionNeeds()
            .Where(v => v.File == LibStdCxx && (systemVersions == null || !systemVersions.Contains(v.Name)))
            .ToList();
        if (targets.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low, "TorchSharp native fix: {0} loads with the system {1}.", path, LibStdCxx);
            return true;
        }

        foreach (ElfFile.VersionNeed need in targets)
        {
            List<string> unsupplied = elf.SymbolsBoundTo(need.Index).Where(s => !ShimSymbols.Contains(s)).ToList();
            if (unsupplied.Count > 0)
            {
                if (systemVersions == null)
                {
                    continue;
                }

                Log.LogError("TorchSharp native fix: {0} needs {1} from {2}, which the system library lacks, for symbols "
                    + "the shim does not supply ({3}). Use a host with a newer libstdc++ or a TorchSharp built for it.",
                    path, need.Name, LibStdCxx, string.Join(", ", unsupplied.Take(5)));
                return false;
            }
        }

        // In "always" mode only versions that bind shim symbols are touched; the rest are left as they are.
        targets = targets.Where(t =>
        {
            List<string> bound = elf.SymbolsBoundTo(t.Index);
            return bound.All(ShimSymbols.Contains) && (systemVersions != null || bound.Count > 0);
        }).ToList();
        if (targets.Count == 0)
        {
            return true;
        }

        string shimBeside = Path.Combine(Path.GetDirectoryName(path)!, ShimName);
        bool hasNeeded = elf.Needed().Contains(ShimName);
        bool allWeak = targets.All(t => (t.Flags & VerFlgWeak) != 0);
        if (!EnsureShim(shimBeside))
        {
            return false;
        }

        if (hasNeeded && allWeak)
        {
            Log.LogMessage(MessageImportance.Low, "TorchSharp native fix: {0} is already patched.", path);
            return true;
        }

        string temp = path + ".edge-fix.tmp";
        File.Copy(path, temp, overwrite: true);
        try
        {
            if (!hasNeeded && !Run(PatchElf, "--add-needed " + ShimName + " \"" + temp + "\"", "patchelf"))
            {
                return false;
            }

            ElfFile edited = ElfFile.Read(temp);
            foreach (ElfFile.VersionNeed need in edited.VersionNeeds().Where(v => targets.Any(t => t.Name == v.Name && v.File == t.File)))
            {
                edited.SetVernauxFlags(need, (ushort)(need.Flags | VerFlgWeak));
            }

            edited.Write(temp);
            ReplaceAtomically(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }

        Log.LogMessage(MessageImportance.High, "TorchSharp native fix: patched {0} (weak {1}, NEEDED {2}).",
            path, string.Join(", ", targets.Select(t => t.Name)), ShimName);
        return true;
    }

    private bool EnsureShim(string destination)
    {
        bool stale = !File.Exists(ShimOutput) || File.GetLastWriteTimeUtc(ShimOutput) < File.GetLastWriteTimeUtc(ShimSource);
        if (stale)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ShimOutput))!);
            string temp = ShimOutput + ".tmp";
            string args = "-shared -fPIC -O2 -Wl,-soname," + ShimName + " -o \"" + temp + "\" \"" + ShimSource + "\"";
            if (!Run(Compiler, args, "a C compiler (" + Compiler + ")"))
            {
                return false;
            }

            ReplaceAtomically(temp, ShimOutput);
        }

        if (!File.Exists(destination) || !File.ReadAllBytes(destination).SequenceEqual(File.ReadAllBytes(ShimOutput)))
        {
            File.Copy(ShimOutput, destination, overwrite: true);
        }

        return true;
    }

    /// <summary>rename(2) over the destination: readers see the old or the new file, never half of one.</summary>
    private static void ReplaceAtomically(string source, string destination)
    {
        if (File.Exists(destination))
        {
            File.Replace(source, destination, null);
        }
        else
        {
            File.Move(source, destination);
        }
    }

    private bool Run(string tool, string arguments, string what)
    {
        var info = new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using Process process = Process.Start(info)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Log.LogError("TorchSharp native fix: '{0} {1}' failed with exit code {2}: {3}{4}",
                    tool, arguments, process.ExitCode, stderr, stdout);
                return false;
            }

            return true;
        }
        catch (Win32Exception)
        {
            Log.LogError("TorchSharp native fix needs {0} ('{1}' was not found); {2}.", what, tool, InstallHint);
            return false;
        }
    }

    private string? FindSystemLibStdCxx()
    {
        if (!string.IsNullOrEmpty(SystemLibStdCxx))
        {
            return SystemLibStdCxx;
        }

        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Just enough of a little-endian ELF64 reader/writer for symbol versioning and DT_NEEDED.</summary>
    private sealed class ElfFile
    {
        private readonly byte[] _bytes;
        private readonly List<Section> _sections = new List<Section>();

        private ElfFile(byte[] bytes, string path)
        {
            _bytes = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            {
                throw new InvalidDataException(path + " is not an ELF file.");
            }

            if (bytes[4] != 2 || bytes[5] != 1)
            {
                throw new InvalidDataException(path + " is not a little-endian 64-bit ELF file.");
            }

            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3A);
            int shnum = U16(0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long at = shoff + (i * (long)shentsize);
                _sections.Add(new Section(U32(at + 4), (long)U64(at + 24), (long)U64(at + 32), (int)U32(at + 40), (long)U64(at + 56)));
            }
        }

        public static ElfFile Read(string path) => new ElfFile(File.ReadAllBytes(path), path);

        public void Write(string path) => File.WriteAllBytes(path, _bytes);

        public HashSet<string> DefinedVersions()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            Section? verdef = Find(ShtGnuVerdef);
            if (verdef == null)
            {
                return names;
            }

            Section strtab = _sections[verdef.Link];
            long entry = verdef.Offset;
            while (true)
            {
                long aux = entry + U32(entry + 12);
                names.Add(Str(strtab, U32(aux)));
                uint next = U32(entry + 16);
                if (next == 0)
                {
                    return names;
                }

                entry += next;
            }
        }

        public List<VersionNeed> VersionNeeds()
        {
            var needs = new List<VersionNeed>();
            Section? verneed = Find(ShtGnuVerneed);
            if (verneed == null)
            {
                return needs;
            }

            Section strtab = _sections[verneed.Link];
            long entry = verneed.Offset;
            while (true)
            {
                string file = Str(strtab, U32(entry + 4));
                int count = U16(entry + 2);
                long aux = entry + U32(entry + 8);
                for (int i = 0; i < count; i++)
                {
                    needs.Add(new VersionNeed(file, Str(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6) & 0x7fff, aux));
                    aux += U32(aux + 12);
                }

                uint next = U32(entry + 12);
                if (next == 0)
                {
                    return needs;
                }

                entry += next;
            }
        }

        public void SetVernauxFlags(VersionNeed need, ushort flags)
        {
            _bytes[need.AuxOffset + 4] = (byte)(flags & 0xff);
            _bytes[need.AuxOffset + 5] = (byte)(flags >> 8);
        }

        /// <summary>Undefined dynamic symbols whose .gnu.version index is <paramref name="index"/>.</summary>
        public List<string> SymbolsBoundTo(int index)
        {
            var symbols = new List<string>();
            Section? dynsym = Find(ShtDynsym);
            Section? versym = Find(ShtGnuVersym);
            if (dynsym == null || versym == null)
            {
                return symbols;
            }

            Section strtab = _sections[dynsym.Link];
            long count = dynsym.Size / dynsym.EntrySize;
            for (long i = 0; i < count; i++)
            {
                long sym = dynsym.Offset + (i * dynsym.EntrySize);
                if ((U16(versym.Offset + (2 * i)) & 0x7fff) == index && U16(sym + 6) == 0)
                {
                    symbols.Add(Str(strtab, U32(sym)));
                }
            }

            return symbols;
        }

        public List<string> Needed()
        {
            var needed = new List<string>();
            Section? dynamic = Find(ShtDynamic);
            if (dynamic == null)
            {
                return needed;
            }

            Section strtab = _sections[dynamic.Link];
            for (long at = dynamic.Offset; at + 16 <= dynamic.Offset + dynamic.Size; at += 16)
            {
                ulong tag = U64(at);
                if (tag == 0)
                {
                    break;
                }

                if (tag == 1)
                {
                    needed.Add(Str(strtab, (uint)U64(at + 8)));
                }
            }

            return needed;
        }

        private Section? Find(uint type) => _sections.FirstOrDefault(s => s.Type == type);

        private string Str(Section strtab, uint offset)
        {
            long start = strtab.Offset + offset;
            long end = start;
            while (_bytes[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
        }

        private ushort U16(long at) => BitConverter.ToUInt16(_bytes, (int)at);

        private uint U32(long at) => BitConverter.ToUInt32(_bytes, (int)at);

        private ulong U64(long at) => BitConverter.ToUInt64(_bytes, (int)at);

        private sealed class Section
        {
            public Section(uint type, long offset, long size, int link, long entrySize)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                EntrySize = entrySize;
            }

            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public int Link { get; }
            public long EntrySize { get; }
        }

        public sealed class VersionNeed
        {
            public VersionNeed(string file, string name, ushort flags, int index, long auxOffset)
            {
                File = file;
                Name = name;
                Flags = flags;
                Index = index;
                AuxOffset = auxOffset;
            }

            public string File { get; }
            public string Name { get; }
            public ushort Flags { get; }
            public int Index { get; }
            public long AuxOffset { get; }
        }
    }
}
