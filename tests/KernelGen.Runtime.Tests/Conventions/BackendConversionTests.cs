using System;
using System.Linq;
using CsCheck;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// Property tests: for every backend, its native predicate (written in its own arithmetic) shows exactly the keys
/// <see cref="AttentionWindow.IsVisible"/> shows, for every (query, key), over random windows and lengths.
/// </summary>
public sealed class BackendConversionTests
{
    public static TheoryData<BackendCase> Backends()
    {
        var data = new TheoryData<BackendCase>();
        foreach (var backend in BackendCase.All)
        {
            data.Add(backend);
        }

        return data;
    }

    private static readonly Gen<AttentionWindow> Windows =
        Gen.Select(Gen.Int[-4, 24], Gen.Int[-4, 24], Gen.Bool)
            .Select((left, right, bottomRight) => new AttentionWindow(
                left == -4 ? null : left, right == -4 ? null : right,
                bottomRight ? WindowAlignment.BottomRight : WindowAlignment.TopLeft));

    private static readonly Gen<(int SeqQ, int SeqK)> Lengths = Gen.Select(Gen.Int[1, 24], Gen.Int[1, 24]);

    [Fact]
    public void EveryBackendIsCovered() =>
        Assert.Equal(Enum.GetValues<Backend>().OrderBy(b => b), BackendCase.All.Select(c => c.Backend).OrderBy(b => b));

    [Theory]
    [MemberData(nameof(Backends))]
    public void ConvertedWindowShowsTheSameKeysAndRoundTrips(BackendCase backend)
    {
        Gen.Select(Windows, Lengths).Sample((window, lengths) =>
        {
            var (ok, parameters, reason) = backend.TryTo(window);
            if (!ok)
            {
                Assert.False(string.IsNullOrWhiteSpace(reason));
                var error = Assert.Throws<WindowNotExpressibleException>(() => backend.To(window));
                Assert.Equal(backend.Backend, error.Backend);
                return;
            }

            Assert.Equal(window, backend.From(parameters!));
            Assert.Equal(parameters, backend.To(window));
            AssertSameKeys(window, parameters!, backend, lengths.SeqQ, lengths.SeqK);
        }, iter: 400);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NativeParametersReadBackAsTheKeysTheBackendShows(BackendCase backend)
    {
        Gen.Select(Gen.Int, Lengths).Sample((seed, lengths) =>
        {
            var parameters = backend.RandomParameters(new Random(seed));
            AssertSameKeys(backend.From(parameters), parameters, backend, lengths.SeqQ, lengths.SeqK);
        }, iter: 400);
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

    private static void AssertSameKeys(AttentionWindow window, object parameters, BackendCase backend, int seqQ, int seqK)
    {
        for (var query = 0; query < seqQ; query++)
        for (var key = 0; key < seqK; key++)
        {
            Assert.True(
                window.IsVisible(query, key, seqQ, seqK) == backend.IsVisible(parameters, query, key, seqQ, seqK),
                $"{backend} {parameters} vs {window}, {seqQ}x{seqK}: query {query}, key {key}");
        }
    }
}
