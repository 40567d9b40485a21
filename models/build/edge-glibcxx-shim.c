/*
 * libedge-glibcxx-shim.so: supplies the one GLIBCXX_3.4.32 symbol that TorchSharp's libLibTorchSharp.so names
 * but hosts with an older libstdc++ (Debian 12 ships GLIBCXX_3.4.30) do not define.
 *
 * GCC 13's <iostream> makes every object that includes it reference std::ios_base_library_init() so that the
 * program depends on a libstdc++ that initialises the standard streams itself. The older libstdc++ initialises
 * them through its own static ios_base::Init objects (and libtorch, loaded first, includes them), so a no-op is
 * a faithful stand-in here. The library is deliberately unversioned: glibc's ld.so accepts an unversioned
 * definition for a versioned reference when the defining object is not the one named in the version need
 * (libstdc++.so.6), which is why this file must never be named like libstdc++.
 *
 * Built and wired by models/build/TorchSharpNativeFix.targets; see that file for when it is used.
 */
void _ZSt21ios_base_library_initv(void);

void _ZSt21ios_base_library_initv(void)
{
}
