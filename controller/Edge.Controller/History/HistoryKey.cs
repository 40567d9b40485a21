using System.Runtime.InteropServices;

namespace Edge.Controller.History;

/// <summary>
/// A record key in the FASTER log: one time bucket (<see cref="Bucket"/> = Unix ms / bucket length) of one series,
/// and a page number for buckets that hold more samples than one <see cref="SampleBlock"/> fits.
/// For batch markers <see cref="Bucket"/> is the batch sequence / 64.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct HistoryKey(int SeriesId, int Page, long Bucket);
