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
    private const string CacheCategory = "KernelGen.Cache";
    private const string ConfigCategory = "KernelGen.ModelConfig";

    public static readonly DiagnosticDescriptor AmbiguousBounds = Create(
        "KG0001",
        "Sliding window bounds are ambiguous",
        "[SlidingWindow] on '{0}' does not say how to read its bounds: for query {1}, Inclusive = true shows {2}, Inclusive = false shows {3}. Add Inclusive = true, Inclusive = false, or Convention = Backend.X for the library the numbers come from.",
        WindowCategory, DiagnosticSeverity.Error,
        "Libraries count window bounds differently (FlashAttention's left = 4095 and cuDNN's left bound = 4096 describe the same keys). A bound without Inclusive or Convention could mean either, so KernelGen refuses to guess.");

    public static readonly DiagnosticDescriptor ConflictingReading = Create(
        "KG0002",
        "Inclusive and Convention both say how to read the bounds",
        "[SlidingWindow] on '{0}' gives both Inclusive = {1} and Convention = Backend.{2}: {3}. Keep exactly one of them.",
        WindowCategory, DiagnosticSeverity.Error,
        "Inclusive reads the numbers as plain key counts; Convention reads them as a backend's own parameters. Give exactly one.");

    public static readonly DiagnosticDescriptor BoundOutOfRange = Create(
        "KG0003",
        "Window bound out of range",
        "[SlidingWindow] on '{0}': {1}",
        WindowCategory, DiagnosticSeverity.Error,
        "Bounds are key counts of 0 or more. A backend's 'unbounded' sentinel (such as FlashAttention's -1) is accepted only under that backend's Convention; elsewhere omit the bound for an unbounded side.");

    public static readonly DiagnosticDescriptor BoundOverflows = Create(
        "KG0004",
        "Window bound overflows another backend's convention",
        "[SlidingWindow] on '{0}': the {1} bound {2} becomes {3} = {2} + 1 in {4}, which overflows int. Use at most 2147483646, or omit the bound for an unbounded side.",
        WindowCategory, DiagnosticSeverity.Error,
        "KernelGen emits every backend's parameters for a window; cuDNN's left bound and HF transformers' sliding_window are one more than the inclusive left bound, so that bound must stay below int.MaxValue.");

    public static readonly DiagnosticDescriptor WindowHidesEveryKey = Create(
        "KG0005",
        "The window hides every key",
        "[SlidingWindow] on '{0}' shows no key to any query ({1}): {2}",
        WindowCategory, DiagnosticSeverity.Error,
        "A window whose left and right bounds add up to less than zero leaves no key visible, so every output row would be zero.");

    public static readonly DiagnosticDescriptor WindowHidesOwnKey = Create(
        "KG0006",
        "The window hides the query's own key",
        "[SlidingWindow] on '{0}' hides each query's own key ({1}): {2}",
        WindowCategory, DiagnosticSeverity.Warning,
        "Attention windows almost always include the diagonal. A negative bound, such as Inclusive = false with Right = 0, moves the band off it.");

    public static readonly DiagnosticDescriptor CausalWithRightBound = Create(
        "KG0007",
        "Causal attention with a right bound above zero",
        "'{0}' is causal but its window shows {1} key(s) after the diagonal (Right = {2}). Remove Causal = true for a window that looks ahead, or set Right = 0.",
        WindowCategory, DiagnosticSeverity.Error,
        "Causal attention means no key after the diagonal is visible, which contradicts a positive right bound.");

    public static readonly DiagnosticDescriptor RightBoundOmitted = Create(
        "KG0008",
        "Sliding window without a right bound lets queries see every later key",
        "[SlidingWindow] on '{0}' gives Left but no Right, and the kernel is not causal: every query sees all later keys. Add Right = 0 or Causal = true for a causal sliding window, or Right = N to bound it.",
        WindowCategory, DiagnosticSeverity.Warning,
        "An omitted bound is unbounded on that side. A left-only window on a non-causal kernel is almost always a causal window whose Right = 0 was forgotten.");

    public static readonly DiagnosticDescriptor AttributeWithoutKernel = Create(
        "KG0009",
        "Kernel attribute without [AttentionKernel]",
        "'{0}' has [{1}] but no [AttentionKernel], so no kernel is generated. Add [AttentionKernel(HeadDim = ...)].",
        UsageCategory, DiagnosticSeverity.Error,
        "[SlidingWindow], [ChunkedAttention], [KvCache] and [FromModelConfig] only take effect on a class that declares an attention kernel.");

    public static readonly DiagnosticDescriptor InvalidTarget = Create(
        "KG0010",
        "[AttentionKernel] target must be a non-generic partial class",
        "'{0}' cannot hold a generated kernel: {1}",
        UsageCategory, DiagnosticSeverity.Error,
        "The generator adds members to the class through another partial declaration, and ILGPU kernels cannot live in generic types.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "KG0011",
        "Containing type must be partial",
        "'{0}' is nested in '{1}', which is {2}. Make every containing type a non-generic partial type.",
        UsageCategory, DiagnosticSeverity.Error,
        "A nested kernel class is generated inside partial declarations of all its containing types.");

    public static readonly DiagnosticDescriptor UnsupportedHeadDim = Create(
        "KG0012",
        "Unsupported head size",
        "'{0}' has HeadDim = {1}: KernelGen supports multiples of 16 from 16 to 256 (such as 32, 64, 96, 128, 256)",
        KernelCategory, DiagnosticSeverity.Error,
        "Each thread accumulates blocks of 8 output dimensions in registers, unrolled by the generator; the supported head sizes are the multiples of 16 from 16 to 256.");

    public static readonly DiagnosticDescriptor TileSizesExceedLimits = Create(
        "KG0013",
        "Tile sizes exceed CUDA's limits",
        "'{0}' with QueryTileSize = {1} and KeyTileSize = {2} needs {3}. Use smaller tiles, or omit them for sound defaults ({4}).",
        KernelCategory, DiagnosticSeverity.Error,
        "A group may use at most 48 KB of shared memory (the Q, K and V tiles, the partial score tiles and the row statistics, in fp32) and 1024 threads (one per block of up to 8 query rows and 8 output dimensions).");

    public static readonly DiagnosticDescriptor AlignmentRequired = Create(
        "KG0014",
        "Convention needs an explicit alignment",
        "[SlidingWindow] on '{0}' uses Convention = Backend.{1}, which {2}. Say which alignment you mean: Alignment = WindowAlignment.BottomRight or WindowAlignment.TopLeft.",
        WindowCategory, DiagnosticSeverity.Error,
        "The same bounds select different keys under different diagonal alignments when the query and key lengths differ (for example while decoding). Numbers copied from a top-left library must say which one they mean.");

    public static readonly DiagnosticDescriptor InvalidArgument = Create(
        "KG0015",
        "Invalid attribute argument",
        "'{0}': {1} = {2} is not valid: {3}",
        UsageCategory, DiagnosticSeverity.Error,
        "An attribute argument has a value KernelGen cannot use.");

    public static readonly DiagnosticDescriptor PinnedWindowMismatch = Create(
        "KG0016",
        "Pinned backend parameters describe another window",
        "[{0}] on '{1}' does not describe its window {2}: {3} would show {4}. Pin [{5}] instead.",
        WindowCategory, DiagnosticSeverity.Error,
        "A pinned attribute holds the numbers you pass to a backend, read in that backend's own convention. When they select other keys than the spec's window, the backend and KernelGen disagree by some keys, as TransformerEngine's cuDNN path did when it passed its inclusive left bound as cuDNN's exclusive one.");

    public static readonly DiagnosticDescriptor TargetCannotExpressWindow = Create(
        "KG0017",
        "Target backend cannot express the window",
        "'{0}' targets {1}, which cannot express its window {2}: {3}",
        WindowCategory, DiagnosticSeverity.Error,
        "KernelGen never rounds a window to a nearby one a backend can express. Change the window, or drop the target.");

    public static readonly DiagnosticDescriptor RawBoundPassedToBackend = Create(
        "KG0018",
        "Backend parameters built from another convention's raw bound",
        "new {0}(...) takes the numbers that {1} itself uses, but {2} is KernelGen's inclusive bound. Call {3} instead.",
        WindowCategory, DiagnosticSeverity.Warning,
        "Backends count window bounds differently (cuDNN's left bound is KernelGen's plus one). Convert the window with the backend's To method, which does the arithmetic and refuses windows the backend cannot express.");

    public static readonly DiagnosticDescriptor LeftBoundOmitted = Create(
        "KG0019",
        "Sliding window without a left bound lets queries see every earlier key",
        "[SlidingWindow] on '{0}' gives Right but no Left, and the kernel is not causal: every query sees all earlier keys. Add Left = N to bound it, or leave Right out too for no mask.",
        WindowCategory, DiagnosticSeverity.Warning,
        "An omitted bound is unbounded on that side. A right-only window on a non-causal kernel bounds the future and not the past, which is almost never what a sliding window means; the mirror of KG0008.");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Create(
        "KG0020",
        "The project's C# version is below what the generated code needs",
        "'{0}' needs C# {1} or later for its generated code, but this project compiles as C# {2}. Set <LangVersion> to {1} or later, or remove it for the target framework's default.",
        UsageCategory, DiagnosticSeverity.Error,
        "KernelGen's generated files use C# features up to a minimum language version; below it every generated file would fail to compile (CS8773) in code you did not write. Nothing is generated until LangVersion allows it. The runtime needs net10.0, whose default C# version is newer, so this only happens when LangVersion is set explicitly.");

    public static readonly DiagnosticDescriptor MemberNamedLikeGeneratedMember = Create(
        "KG0021",
        "A member of the kernel class has the name of a generated member",
        "'{0}' declares '{1}', the name of a {2} that KernelGen generates into it. Rename '{1}'.",
        UsageCategory, DiagnosticSeverity.Error,
        "KernelGen generates constants, properties, methods and nested types into the kernel class (HeadDim, Window, Forward, ForwardCpu, a class per backend, ...). A member of the same name, or a method with the same parameters, would make the generated files fail to compile (CS0102, CS0111), so nothing is generated until it is renamed. Overloads with other parameters are fine.");

    public static readonly DiagnosticDescriptor CacheCannotServeWindow = Create(
        "KG0030",
        "A KV cache cannot serve the window",
        "[KvCache] on '{0}' cannot serve its window {1} because {2}. Remove [KvCache] and attend over whole sequences with Forward or ForwardCpu, or change the window.",
        CacheCategory, DiagnosticSeverity.Error,
        "A KV cache is filled as tokens arrive and attends the new queries at once: their window must follow their absolute positions (bottom-right) and reach no key after their own (Right <= 0).");

    public static readonly DiagnosticDescriptor CacheCapacityTooSmall = Create(
        "KG0031",
        "Pinned KV cache capacity does not fit the window",
        "[KvCache(Capacity = {0})] on '{1}' is wrong for its window {2}: {3}",
        CacheCategory, DiagnosticSeverity.Error,
        "A ring that holds fewer keys than Left + MaxChunk overwrites keys that a new query still sees: the first query of an append of MaxChunk tokens at position p sees back to p - Left, and the keys up to p + MaxChunk - 1 were just written. KernelGen derives the capacity; a pinned one must match it.");

    public static readonly DiagnosticDescriptor CacheCapacityLarger = Create(
        "KG0032",
        "Pinned KV cache capacity is larger than the window needs",
        "[KvCache(Capacity = {0})] on '{1}' is {2} key(s) more than its window {3} needs ({4}): no query ever sees the extra slots, which waste {5} bytes per batch row and key/value head (keys and values, fp32). Pin Capacity = {6} or leave it out.",
        CacheCategory, DiagnosticSeverity.Info,
        "The ring needs exactly Left + MaxChunk keys; every key beyond holds a key no query can see. The cache is made as large as pinned, which is safe but wasteful.");

    public static readonly DiagnosticDescriptor PinnedMaskIsNotAWindow = Create(
        "KG0040",
        "Pinned backend parameters describe a mask that is not a sliding window",
        "[{0}] on '{1}' describes no sliding window: {2}. Pin [{3}] for its window {4} instead.",
        WindowCategory, DiagnosticSeverity.Error,
        "Some backend parameters select keys that no band [i - L, i + R] describes, such as llama.cpp's chunked swa_type (Llama 4's local layers). KernelGen cannot compare them with the spec's window, so it refuses them with the reason rather than check a guess.");

    public static readonly DiagnosticDescriptor ChunkSizeNotPositive = Create(
        "KG0041",
        "Chunk size is not positive",
        "[ChunkedAttention] on '{0}' has Size = {1}: a chunk holds at least one key position. Give the chunk size in key positions (Llama 4's attention_chunk_size = 8192 is Size = 8192).",
        WindowCategory, DiagnosticSeverity.Error,
        "Chunked attention cuts the keys into chunks of Size positions counted from key 0 and shows each query only its own chunk; a chunk of zero or fewer positions holds no key.");

    public static readonly DiagnosticDescriptor ChunkHidesEveryKey = Create(
        "KG0042",
        "The chunks hide every key of the window",
        "[ChunkedAttention(Size = {1})] on '{0}' shows no key to any query: its window {2} lies at least {3} key(s) from each query's own key, outside the query's chunk of {1}. Make Size larger than {3}, or bring the window to the diagonal.",
        WindowCategory, DiagnosticSeverity.Error,
        "A query sees the keys that are both in its window and in its own chunk. A window that starts Size or more keys away from the diagonal never meets the chunk, so every output row would be zero.");

    public static readonly DiagnosticDescriptor SinkTokensNegative = Create(
        "KG0043",
        "Sink token count is negative",
        "[SlidingWindow] on '{0}' has SinkTokens = {1}: give how many of the first keys stay visible, 0 or more. StreamingLLM keeps 4.",
        WindowCategory, DiagnosticSeverity.Error,
        "SinkTokens counts the first keys that stay visible besides the window.");

    public static readonly DiagnosticDescriptor SinkTokensWithoutLeftBound = Create(
        "KG0044",
        "Sink tokens without a left bound change nothing",
        "[SlidingWindow(SinkTokens = {1})] on '{0}' has no left bound: every key before each query is visible already, so the sink tokens would change nothing. Give Left, or remove SinkTokens.",
        WindowCategory, DiagnosticSeverity.Error,
        "Sink tokens relax only the window's left bound; a window without one has nothing to relax. KernelGen refuses the spec rather than keep an argument that does nothing.");

    public static readonly DiagnosticDescriptor SinkTokensWithChunks = Create(
        "KG0045",
        "Sink tokens and chunked attention do not combine",
        "[SlidingWindow(SinkTokens = {1})] and [ChunkedAttention(Size = {2})] on '{0}' do not combine: the visible keys are the intersection, and the sink keys lie in chunk 0, which no query of a later chunk sees. Remove one of them.",
        WindowCategory, DiagnosticSeverity.Error,
        "Chunked attention intersects the window with the query's chunk, so sink keys would be visible only inside chunk 0, where the window already reaches them.");

    public static readonly DiagnosticDescriptor ModelConfigNotFound = Create(
        "KG0050",
        "Model config file not found",
        "[FromModelConfig(\"{1}\")] on '{0}' names no single config: {2}",
        ConfigCategory, DiagnosticSeverity.Error,
        "The generator reads a model config only from the compilation's AdditionalFiles (<AdditionalFiles Include=\"config.json\" /> in the project), so that editing it regenerates the kernels. The path is matched against the end of each item's full path on whole path segments; exactly one item must match.");

    public static readonly DiagnosticDescriptor ModelConfigUnreadable = Create(
        "KG0051",
        "Model config cannot be read",
        "The model config '{1}' for '{0}' cannot be read: {2}",
        ConfigCategory, DiagnosticSeverity.Error,
        "The file must be a JSON object in the shape HF transformers writes config.json: fields of the types HF expects, a layer index within num_hidden_layers, layer_types with one entry per layer. KernelGen reports where the file stops making sense instead of deriving a kernel from part of it.");

    public static readonly DiagnosticDescriptor WindowDisagreesWithModelConfig = Create(
        "KG0052",
        "Written window disagrees with the model config",
        "{2} on '{0}' disagrees with {1}: {3}. Remove it to take the config's, or correct it.",
        ConfigCategory, DiagnosticSeverity.Error,
        "With [FromModelConfig] the config decides the window, in HF's convention (sliding_window = W shows keys (i - W, i], so Left = W - 1, Right = 0). A written [SlidingWindow] or [ChunkedAttention] is a check: one that selects other keys is the off-by-one this library exists to catch, and the message shows both windows for one query.");

    public static readonly DiagnosticDescriptor ArgumentDisagreesWithModelConfig = Create(
        "KG0053",
        "Written kernel argument disagrees with the model config",
        "'{0}' gives {1} = {2}, but {3} gives {4}. Remove {1} to take the config's, or correct it.",
        ConfigCategory, DiagnosticSeverity.Error,
        "With [FromModelConfig] the config decides HeadDim, Causal, SoftmaxScale, LogitSoftCap and Sinks. Each one written must equal the derived value (the scale compared as the float the kernel uses).");

    public static readonly DiagnosticDescriptor ModelConfigUnknownMeaning = Create(
        "KG0054",
        "Model config of a family or layer type KernelGen does not know",
        "The model config '{1}' for '{0}' has {2}: {3}",
        ConfigCategory, DiagnosticSeverity.Error,
        "The same field means different things in different model families (Gemma's absent head_dim is 256, Mistral's is hidden_size / num_attention_heads; Qwen2's sliding_window applies only with use_sliding_window). KernelGen derives a layer only by the rules of a family it has read in HF's source, and refuses the others rather than guess.");

    public static readonly DiagnosticDescriptor ModelConfigFieldMissing = Create(
        "KG0055",
        "Model config lacks a field the layer needs",
        "The model config '{1}' for '{0}' has no {2}, which {3}. Write the field in the file: KernelGen does not assume a class default.",
        ConfigCategory, DiagnosticSeverity.Error,
        "HF fills absent fields from its config class's defaults, which differ between families and versions. KernelGen takes only HF's rules that derive one field from others present (the layer pattern, head_dim from hidden_size), and asks for the rest to be written.");

    public static readonly DiagnosticDescriptor ModelConfigNotGenerated = Create(
        "KG0056",
        "Model config describes attention KernelGen does not generate",
        "The model config '{1}' for '{0}' describes attention KernelGen does not generate: {2}",
        ConfigCategory, DiagnosticSeverity.Error,
        "KernelGen derives causal decoder layers. A config that makes them bidirectional (is_causal = false, Gemma 3's use_bidirectional_attention) describes other masks.");

    /// <summary>Every descriptor links to its own section of docs/diagnostics.md, so an IDE's help link lands on the fix.</summary>
    private static DiagnosticDescriptor Create(
        string id, string title, string messageFormat, string category, DiagnosticSeverity severity, string description) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinks.For(id));
}
