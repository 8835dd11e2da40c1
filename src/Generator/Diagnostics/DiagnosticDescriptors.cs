using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic KernelGen reports. IDs are stable: never renumber, only add. Each message names the
/// problem and the fix; the description is the help text an IDE shows. docs/diagnostics.md lists them all.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string WindowCategory = "KernelGen.Window";
    private const string UsageCategory = "KernelGen.Usage";
    private const string KernelCategory = "KernelGen.Kernel";

    public static readonly DiagnosticDescriptor AmbiguousBounds = new(
        "KG0001",
        "Sliding window bounds are ambiguous",
        "[SlidingWindow] on '{0}' does not say how to read its bounds: for query {1}, Inclusive = true shows {2}, Inclusive = false shows {3}. Add Inclusive = true, Inclusive = false, or Convention = Backend.X for the library the numbers come from.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Libraries count window bounds differently (FlashAttention's left = 4095 and cuDNN's left bound = 4096 describe the same keys). A bound without Inclusive or Convention could mean either, so KernelGen refuses to guess.");

    public static readonly DiagnosticDescriptor ConflictingReading = new(
        "KG0002",
        "Inclusive and Convention both say how to read the bounds",
        "[SlidingWindow] on '{0}' gives both Inclusive = {1} and Convention = Backend.{2}: {3}. Keep exactly one of them.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Inclusive reads the numbers as plain key counts; Convention reads them as a backend's own parameters. Give exactly one.");

    public static readonly DiagnosticDescriptor BoundOutOfRange = new(
        "KG0003",
        "Window bound out of range",
        "[SlidingWindow] on '{0}': {1}",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Bounds are key counts of 0 or more. A backend's 'unbounded' sentinel (such as FlashAttention's -1) is accepted only under that backend's Convention; elsewhere omit the bound for an unbounded side.");

    public static readonly DiagnosticDescriptor BoundOverflows = new(
        "KG0004",
        "Window bound overflows another backend's convention",
        "[SlidingWindow] on '{0}': the {1} bound {2} becomes {3} = {2} + 1 in {4}, which overflows int. Use at most 2147483646, or omit the bound for an unbounded side.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "KernelGen emits every backend's parameters for a window; cuDNN's left bound and HF transformers' sliding_window are one more than the inclusive left bound, so that bound must stay below int.MaxValue.");

    public static readonly DiagnosticDescriptor WindowHidesEveryKey = new(
        "KG0005",
        "The window hides every key",
        "[SlidingWindow] on '{0}' shows no key to any query ({1}): {2}",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A window whose left and right bounds add up to less than zero leaves no key visible, so every output row would be zero.");

    public static readonly DiagnosticDescriptor WindowHidesOwnKey = new(
        "KG0006",
        "The window hides the query's own key",
        "[SlidingWindow] on '{0}' hides each query's own key ({1}): {2}",
        WindowCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Attention windows almost always include the diagonal. A negative bound, such as Inclusive = false with Right = 0, moves the band off it.");

    public static readonly DiagnosticDescriptor CausalWithRightBound = new(
        "KG0007",
        "Causal attention with a right bound above zero",
        "'{0}' is causal but its window shows {1} key(s) after the diagonal (Right = {2}). Remove Causal = true for a window that looks ahead, or set Right = 0.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Causal attention means no key after the diagonal is visible, which contradicts a positive right bound.");

    public static readonly DiagnosticDescriptor RightBoundOmitted = new(
        "KG0008",
        "Sliding window without a right bound lets queries see every later key",
        "[SlidingWindow] on '{0}' gives Left but no Right, and the kernel is not causal: every query sees all later keys. Add Right = 0 or Causal = true for a causal sliding window, or Right = N to bound it.",
        WindowCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "An omitted bound is unbounded on that side. A left-only window on a non-causal kernel is almost always a causal window whose Right = 0 was forgotten.");

    public static readonly DiagnosticDescriptor SlidingWindowWithoutKernel = new(
        "KG0009",
        "[SlidingWindow] without [AttentionKernel]",
        "'{0}' has [SlidingWindow] but no [AttentionKernel], so no kernel is generated. Add [AttentionKernel(HeadDim = ...)].",
        UsageCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A window only takes effect on a class that declares an attention kernel.");

    public static readonly DiagnosticDescriptor InvalidTarget = new(
        "KG0010",
        "[AttentionKernel] target must be a non-generic partial class",
        "'{0}' cannot hold a generated kernel: {1}",
        UsageCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The generator adds members to the class through another partial declaration, and ILGPU kernels cannot live in generic types.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        "KG0011",
        "Containing type must be partial",
        "'{0}' is nested in '{1}', which is {2}. Make every containing type a non-generic partial type.",
        UsageCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A nested kernel class is generated inside partial declarations of all its containing types.");

    public static readonly DiagnosticDescriptor UnsupportedHeadDim = new(
        "KG0012",
        "Unsupported head size",
        "'{0}' has HeadDim = {1}: KernelGen supports multiples of 16 from 16 to 256 (such as 32, 64, 96, 128, 256)",
        KernelCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Each thread accumulates blocks of 8 output dimensions in registers, unrolled by the generator; the supported head sizes are the multiples of 16 from 16 to 256.");

    public static readonly DiagnosticDescriptor TileSizesExceedLimits = new(
        "KG0013",
        "Tile sizes exceed CUDA's limits",
        "'{0}' with QueryTileSize = {1} and KeyTileSize = {2} needs {3}. Use smaller tiles, or omit them for sound defaults ({4}).",
        KernelCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A group may use at most 48 KB of shared memory (the Q, K and V tiles, the partial score tiles and the row statistics, in fp32) and 1024 threads (one per block of up to 8 query rows and 8 output dimensions).");

    public static readonly DiagnosticDescriptor AlignmentRequired = new(
        "KG0014",
        "Convention needs an explicit alignment",
        "[SlidingWindow] on '{0}' uses Convention = Backend.{1}, which {2}. Say which alignment you mean: Alignment = WindowAlignment.BottomRight or WindowAlignment.TopLeft.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The same bounds select different keys under different diagonal alignments when the query and key lengths differ (for example while decoding). Numbers copied from a top-left library must say which one they mean.");

    public static readonly DiagnosticDescriptor InvalidArgument = new(
        "KG0015",
        "Invalid attribute argument",
        "'{0}': {1} = {2} is not valid: {3}",
        UsageCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "An attribute argument has a value KernelGen cannot use.");

    public static readonly DiagnosticDescriptor PinnedWindowMismatch = new(
        "KG0016",
        "Pinned backend parameters describe another window",
        "[{0}] on '{1}' does not describe its window {2}: {3} would show {4}. Pin [{5}] instead.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A pinned attribute holds the numbers you pass to a backend, read in that backend's own convention. When they select other keys than the spec's window, the backend and KernelGen disagree by some keys, as TransformerEngine's cuDNN path did when it passed its inclusive left bound as cuDNN's exclusive one.");

    public static readonly DiagnosticDescriptor TargetCannotExpressWindow = new(
        "KG0017",
        "Target backend cannot express the window",
        "'{0}' targets {1}, which cannot express its window {2}: {3}",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "KernelGen never rounds a window to a nearby one a backend can express. Change the window, or drop the target.");

    public static readonly DiagnosticDescriptor RawBoundPassedToBackend = new(
        "KG0018",
        "Backend parameters built from another convention's raw bound",
        "new {0}(...) takes the numbers that {1} itself uses, but {2} is KernelGen's inclusive bound. Call {3} instead.",
        WindowCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Backends count window bounds differently (cuDNN's left bound is KernelGen's plus one). Convert the window with the backend's To method, which does the arithmetic and refuses windows the backend cannot express.");

    public static readonly DiagnosticDescriptor LeftBoundOmitted = new(
        "KG0019",
        "Sliding window without a left bound lets queries see every earlier key",
        "[SlidingWindow] on '{0}' gives Right but no Left, and the kernel is not causal: every query sees all earlier keys. Add Left = N to bound it, or leave Right out too for no mask.",
        WindowCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "An omitted bound is unbounded on that side. A right-only window on a non-causal kernel bounds the future and not the past, which is almost never what a sliding window means; the mirror of KG0008.");

    public static readonly DiagnosticDescriptor PinnedMaskIsNotAWindow = new(
        "KG0040",
        "Pinned backend parameters describe a mask that is not a sliding window",
        "[{0}] on '{1}' describes no sliding window: {2}. Pin [{3}] for its window {4} instead.",
        WindowCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Some backend parameters select keys that no band [i - L, i + R] describes, such as llama.cpp's chunked swa_type (Llama 4's local layers). KernelGen cannot compare them with the spec's window, so it refuses them with the reason rather than check a guess.");
}
