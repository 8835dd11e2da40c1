using System;
using System.Linq;
using CsCheck;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// Property tests: for every backend, its native predicate (written in its own arithmetic) shows exactly the keys
/// <see cref="AttentionWindow.IsVisible"/> shows, for every (query, key), over random windows, random native
/// parameters and random lengths; where a backend says it applies no sliding window at some lengths, it indeed does not.
/// </summary>
public sealed class BackendConversionTests
{
    public static TheoryData<Backend> Backends() => new(BackendDescriptor.All.Select(descriptor => descriptor.Backend));

    // Plain bands, and sometimes chunks (1 to 9 keys) or sink tokens (1 to 5, with a left bound), which backends that
    // cannot express them refuse.
    private static readonly Gen<AttentionWindow> Windows =
        Gen.Select(Gen.Int[-4, 24], Gen.Int[-4, 24], Gen.Bool, Gen.Int[-12, 9], Gen.Int[-12, 5])
            .Select((left, right, bottomRight, chunk, sinks) => new AttentionWindow(
                left == -4 ? null : left, right == -4 ? null : right,
                bottomRight ? WindowAlignment.BottomRight : WindowAlignment.TopLeft,
                chunkSize: chunk >= 1 ? chunk : null,
                sinkTokens: sinks >= 1 && left != -4 && chunk < 1 ? sinks : 0));

    private static readonly Gen<(int SeqQ, int SeqK)> Lengths = Gen.Select(Gen.Int[1, 24], Gen.Int[1, 24]);

    [Theory]
    [MemberData(nameof(Backends))]
    public void ConvertedWindowShowsTheSameKeysAndRoundTrips(Backend backend)
    {
        var descriptor = BackendDescriptor.For(backend);
        var conversion = ConversionMethods.Of(descriptor);
        Gen.Select(Windows, Lengths).Sample((window, lengths) =>
        {
            if (!descriptor.TryConvert(window, out var parameters, out var reason))
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                var error = Assert.Throws<WindowNotExpressibleException>(() => conversion.To(window));
                Assert.Equal(backend, error.Backend);
                return;
            }

            Assert.Equal(window, descriptor.ToWindow(parameters!));
            Assert.Equal(parameters, conversion.To(window));
            Assert.Equal(window, conversion.From(parameters!));
            AssertShowsTheWindow(descriptor, window, parameters!, lengths.SeqQ, lengths.SeqK);
        }, iter: 400);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NativeParametersReadBackAsTheKeysTheBackendShows(Backend backend)
    {
        var descriptor = BackendDescriptor.For(backend);
        var read = 0;
        Gen.Select(Gen.Int, Lengths).Sample((seed, lengths) =>
        {
            var parameters = RandomParameters.For(descriptor.ParametersType, new Random(seed));
            AttentionWindow window;
            try
            {
                window = descriptor.ToWindow(parameters);
            }
            catch (Exception refused) when (refused is ArgumentException or NotSupportedException)
            {
                // Values the backend does not define, or a mask that is not a band: refused with a reason, never guessed.
                Assert.False(string.IsNullOrWhiteSpace(refused.Message));
                return;
            }

            read++;
            AssertShowsTheWindow(descriptor, window, parameters, lengths.SeqQ, lengths.SeqK);
        }, iter: 400, threads: 1);
        Assert.True(read >= 100, $"only {read} of 400 random {descriptor.ParametersType.Name} values describe a window");
    }

    [Fact]
    public void TheTransformerEngineBugIsOneKey()
    {
        // TransformerEngine passed its inclusive left (4) to cuDNN's exclusive left bound: one key short.
        var window = AttentionWindow.Causal(4);
        var buggy = AttentionWindow.FromCuDnn(new CuDnnWindow(4, 0, WindowAlignment.BottomRight));
        Assert.Equal(new CuDnnWindow(5, 0, WindowAlignment.BottomRight), window.ToCuDnn());
        Assert.Equal(5, buggy.VisibleKeys(8, 10, 10).Start);
        Assert.Equal(4, window.VisibleKeys(8, 10, 10).Start);
    }

    [Fact]
    public void ReferenceWorkedExamples()
    {
        // 1. FlashAttention (2, 0) = cuDNN LB 3 = HF W 3 = FlashInfer 2.
        var window = AttentionWindow.Causal(2);
        Assert.Equal(new FlashAttentionWindow(2, 0), window.ToFlashAttention());
        Assert.Equal(new CuDnnWindow(3, 0, WindowAlignment.BottomRight), window.ToCuDnn());
        Assert.Equal(new HuggingFaceWindow(3, true), window.ToHuggingFace());
        Assert.Equal(new FlashInferWindow(2, 0), window.ToFlashInfer());

        // 4. (1, 1): cuDNN LB 2, RB 1.
        Assert.Equal(new CuDnnWindow(2, 1, WindowAlignment.BottomRight), new AttentionWindow(1, 1).ToCuDnn());

        // 6. Decode: cuDNN top-left with LB 4 shows key 0 only, not keys 4..7.
        var decode = AttentionWindow.FromCuDnn(new CuDnnWindow(4, 0, WindowAlignment.TopLeft));
        Assert.Equal(new KeyRange(0, 1), decode.VisibleKeys(0, 1, 8));
        Assert.Equal(new KeyRange(4, 8), AttentionWindow.Causal(3).VisibleKeys(0, 1, 8));

        // 7. (0, 0) = cuDNN LB 1 = HF W 1.
        Assert.Equal(new CuDnnWindow(1, 0, WindowAlignment.BottomRight), new AttentionWindow(0, 0).ToCuDnn());
        Assert.Equal(new HuggingFaceWindow(1, true), new AttentionWindow(0, 0).ToHuggingFace());

        // 8. gpt-oss W 128 = FlashAttention (127, 0) = cuDNN 128; Gemma 2 W 4096 = (4095, 0).
        Assert.Equal(AttentionWindow.Causal(127), AttentionWindow.FromHuggingFace(new HuggingFaceWindow(128, true)));
        Assert.Equal(128, AttentionWindow.Causal(127).ToCuDnn().DiagonalBandLeftBound);
        Assert.Equal(AttentionWindow.Causal(4095), AttentionWindow.FromHuggingFace(new HuggingFaceWindow(4096, true)));

        // HF bidirectional W is (W, W); ONNX Runtime 1.31.1 reads local_window_size W as W keys, (W - 1, 0).
        Assert.Equal(new AttentionWindow(3, 3), AttentionWindow.FromHuggingFace(new HuggingFaceWindow(3, false)));
        Assert.Equal(AttentionWindow.Causal(2), AttentionWindow.FromOnnxRuntime(new OnnxRuntimeWindow(3)));
    }

    [Fact]
    public void ConversionsNeverRound()
    {
        var topLeft = new AttentionWindow(4, 0, WindowAlignment.TopLeft);
        var error = Assert.Throws<WindowNotExpressibleException>(() => topLeft.ToFlashAttention());
        Assert.Contains("FlashAttention", error.Message);
        Assert.Contains("bottom-right", error.Message);
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(4, 2).ToOnnxRuntime());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(4, 2).ToHuggingFace());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(int.MaxValue, 0).ToCuDnn());
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromFlashAttention(new FlashAttentionWindow(-2, 0)));
    }

    /// <summary>
    /// Where the backend applies its window, its native test shows the window's keys; where it says it does not, its
    /// native test fails or shows other keys, so every refusal is a real difference.
    /// </summary>
    private static void AssertShowsTheWindow(BackendDescriptor descriptor, AttentionWindow window, object parameters, int seqQ, int seqK)
    {
        if (!descriptor.AppliesWindow(parameters, seqQ, seqK, out var reason))
        {
            Assert.False(string.IsNullOrWhiteSpace(reason));
            Assert.True(
                NativeTest.FailsOrDiffers(window, (query, key) => descriptor.IsVisible(parameters, query, key, seqQ, seqK), seqQ, seqK),
                $"{descriptor.Backend} {parameters}, {seqQ}x{seqK}: refused ({reason}) but shows exactly {window}");
            return;
        }

        for (var query = 0; query < seqQ; query++)
        for (var key = 0; key < seqK; key++)
        {
            Assert.True(
                window.IsVisible(query, key, seqQ, seqK) == descriptor.IsVisible(parameters, query, key, seqQ, seqK),
                $"{descriptor.Backend} {parameters} vs {window}, {seqQ}x{seqK}: query {query}, key {key}");
        }
    }
}
