"""PyTorch peers for KernelGen's GPU bench: the same shapes and windows through SDPA and FlexAttention.

Rows have the same columns as the C# bench: useful TFLOP/s count 4 * head * heads * batch FLOP per visible
(query, key) pair, and the percentage is of the FP32 CUDA-core peak (SMs x FP32 lanes x 2 x SM clock), also for
fp16/bf16 and for fp32 paths that use tensor cores, so it can exceed 100. Times are medians of CUDA-event timings.
FlexAttention compiles once per shape and window (tens of seconds each), so its shapes run in priority order and
none starts after FLEX_DEADLINE_S seconds from the start of the script; the rest are listed as skipped.
"""

import argparse
import csv
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import create_block_mask, flex_attention

BATCH = 1
HEADS = 16
SEQUENCE_LENGTHS = (4096, 16384)
WINDOW_KEYS = (1024, 4096)
HEAD_DIMS = (64, 128)
ELEMENT_TYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
WARM_UPS = 2
SAMPLES = 10
FLEX_DEADLINE_S = 130
CHECK_TOLERANCE = 1e-4
CSV_COLUMNS = ["implementation", "element_type", "batch", "heads", "kv_heads", "seq", "window_keys", "head_dim",
               "ms", "useful_tflops", "pct_fp32_peak"]


def fp32_lanes_per_multiprocessor(major, minor):
    """FP32 lanes per SM by compute capability, as in the C# bench: Volta, Turing and GA100 have 64; GA10x, Ada,
    Hopper and Blackwell have 128."""
    if major == 7 or (major, minor) == (8, 0):
        return 64
    if major == 8 or (major, minor) == (9, 0) or major in (10, 12):
        return 128
    return None


def fp32_peak_tflops(sm_clock_mhz):
    """The FP32 CUDA-core peak and how it was computed, or None and why not."""
    props = torch.cuda.get_device_properties(0)
    architecture = f"sm_{props.major}{props.minor}"
    lanes = fp32_lanes_per_multiprocessor(props.major, props.minor)
    if lanes is None:
        return None, f"no FP32 peak: FP32 lanes per SM unknown for {architecture}"
    if sm_clock_mhz is None:
        return None, "no FP32 peak: no --sm-clock-mhz given"
    peak = props.multi_processor_count * lanes * 2 * sm_clock_mhz * 1e6 / 1e12
    return peak, (f"FP32 CUDA-core peak {peak:.1f} TFLOP/s = {props.multi_processor_count} SMs x {lanes} FP32 lanes "
                  f"({architecture}) x 2 FLOP x {sm_clock_mhz} MHz (--sm-clock-mhz, nvidia-smi's clocks.max.sm)")


def visible_pairs(seq, window_keys):
    """(query, key) pairs a causal window of window_keys keys shows (None: dense causal), SeqQ = SeqK = seq."""
    return sum(query + 1 if window_keys is None else min(query + 1, window_keys) for query in range(seq))


def window_mask_mod(window_keys):
    """FlexAttention's sliding_window mask: key kv_idx is visible to query q_idx within window_keys keys back."""
    def sliding_window(b, h, q_idx, kv_idx):
        return (q_idx >= kv_idx) & (q_idx - kv_idx <= window_keys - 1)
    return sliding_window


def window_bool_mask(seq, window_keys):
    """The same window as an SDPA boolean mask, [seq, seq], True where a key takes part."""
    query = torch.arange(seq, device="cuda")[:, None]
    key = torch.arange(seq, device="cuda")[None, :]
    return (query >= key) & (query - key <= window_keys - 1)


def random_qkv(seq, head_dim, dtype, heads=HEADS):
    """q, k and v uniform in [-1, 1), in PyTorch's layout [batch, heads, seq, head]."""
    return [torch.rand(BATCH, heads, seq, head_dim, device="cuda", dtype=dtype) * 2 - 1 for _ in range(3)]


def median_ms(run):
    for _ in range(WARM_UPS):
        run()
    torch.cuda.synchronize()
    times = []
    for _ in range(SAMPLES):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        run()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


class ResultTable:
    """Prints rows as they come and writes them to a CSV file when given a path."""

    def __init__(self, peak, csv_path):
        self.peak = peak
        self.csv_file = open(csv_path, "w", newline="") if csv_path else None
        self.csv = csv.writer(self.csv_file) if self.csv_file else None
        if self.csv:
            self.csv.writerow(CSV_COLUMNS)
        print(f"{'implementation':<26} {'dtype':>5} {'seq':>6} {'window':>6} {'head':>4} {'ms':>10} {'TFLOP/s':>8} "
              f"{'% FP32 peak':>11}", flush=True)

    def add(self, implementation, dtype_name, seq, window_keys, head_dim, ms):
        tflops = 4 * head_dim * HEADS * BATCH * visible_pairs(seq, window_keys) / (ms * 1e-3) / 1e12
        percent = None if self.peak is None else 100 * tflops / self.peak
        window = "none" if window_keys is None else str(window_keys)
        print(f"{implementation:<26} {dtype_name:>5} {seq:>6} {window:>6} {head_dim:>4} {ms:>10.3f} {tflops:>8.2f} "
              f"{'-' if percent is None else f'{percent:.1f}':>11}", flush=True)
        if self.csv:
            self.csv.writerow([implementation, dtype_name, BATCH, HEADS, HEADS, seq, window, head_dim, f"{ms:.4f}",
                               f"{tflops:.3f}", "-" if percent is None else f"{percent:.2f}"])
            self.csv_file.flush()

    def close(self):
        if self.csv_file:
            self.csv_file.close()


def sdpa_rows(table):
    """SDPA dense causal, and SDPA with the window as a boolean mask where the mask and its additive copy fit."""
    for dtype_name, dtype in ELEMENT_TYPES.items():
        for seq in SEQUENCE_LENGTHS:
            for head_dim in HEAD_DIMS:
                q, k, v = random_qkv(seq, head_dim, dtype)
                ms = median_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True))
                table.add("sdpa dense-causal", dtype_name, seq, None, head_dim, ms)
                for window_keys in WINDOW_KEYS:
                    mask_bytes = seq * seq * (1 + dtype.itemsize)
                    free_bytes, _ = torch.cuda.mem_get_info()
                    if mask_bytes > free_bytes // 4:
                        print(f"skip sdpa window-mask {dtype_name} seq {seq} window {window_keys}: the mask needs "
                              f"{mask_bytes / 2**30:.1f} GiB, {free_bytes / 2**30:.1f} GiB free", flush=True)
                        continue
                    mask = window_bool_mask(seq, window_keys)
                    try:
                        ms = median_ms(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
                    except torch.OutOfMemoryError:
                        print(f"skip sdpa window-mask {dtype_name} seq {seq} window {window_keys} head {head_dim}: "
                              "out of memory", flush=True)
                        continue
                    finally:
                        del mask
                    table.add("sdpa window-mask", dtype_name, seq, window_keys, head_dim, ms)
                del q, k, v


def check_flex_against_sdpa(compiled_flex):
    """FlexAttention's sliding_window against SDPA with the same boolean mask, fp32, on a small shape."""
    seq, window_keys, head_dim, heads = 1024, 64, 64, 2
    q, k, v = random_qkv(seq, head_dim, torch.float32, heads=heads)
    block_mask = create_block_mask(window_mask_mod(window_keys), None, None, seq, seq, device="cuda")
    flex_output = compiled_flex(q, k, v, block_mask=block_mask)
    sdpa_output = F.scaled_dot_product_attention(q, k, v, attn_mask=window_bool_mask(seq, window_keys))
    error = (flex_output - sdpa_output).abs().max().item()
    passed = error <= CHECK_TOLERANCE
    print(f"check flex window vs sdpa window-mask, fp32, seq {seq}, window {window_keys}, head {head_dim}, heads {heads}: "
          f"max abs error {error:.2e} -> {'OK' if passed else 'MISMATCH'} (tolerance {CHECK_TOLERANCE:.0e})", flush=True)
    return passed


def flex_rows(table, compiled_flex, script_started):
    """FlexAttention with the sliding_window mask, compiled per shape and window: longest sequence, largest head and
    window first, each in every element type, until FLEX_DEADLINE_S."""
    signatures = [(seq, head_dim, window_keys, dtype_name)
                  for seq in sorted(SEQUENCE_LENGTHS, reverse=True)
                  for head_dim in sorted(HEAD_DIMS, reverse=True)
                  for window_keys in sorted(WINDOW_KEYS, reverse=True)
                  for dtype_name in ("fp32", "bf16", "fp16")]
    compile_seconds = []
    for index, (seq, head_dim, window_keys, dtype_name) in enumerate(signatures):
        if time.monotonic() - script_started > FLEX_DEADLINE_S:
            skipped = ", ".join(f"{d} seq {s} head {h} window {w}" for s, h, w, d in signatures[index:])
            print(f"flex: {FLEX_DEADLINE_S} s since the start, no more compiles; skipped: {skipped}", flush=True)
            break
        q, k, v = random_qkv(seq, head_dim, ELEMENT_TYPES[dtype_name])
        block_mask = create_block_mask(window_mask_mod(window_keys), None, None, seq, seq, device="cuda")
        compile_started = time.monotonic()
        try:
            compiled_flex(q, k, v, block_mask=block_mask)
            torch.cuda.synchronize()
            compile_s = time.monotonic() - compile_started
            ms = median_ms(lambda: compiled_flex(q, k, v, block_mask=block_mask))
        except Exception as error:  # a Triton or Inductor failure on one shape must not hide the others
            print(f"flex window {dtype_name} seq {seq} window {window_keys} head {head_dim} failed: "
                  f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", flush=True)
            continue
        finally:
            del q, k, v, block_mask
        table.add("flex window", dtype_name, seq, window_keys, head_dim, ms)
        compile_seconds.append(f"{compile_s:.0f}")
    if compile_seconds:
        print(f"flex: first call (compile) of each row above, in s: {', '.join(compile_seconds)}", flush=True)


def main():
    script_started = time.monotonic()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sm-clock-mhz", type=int, help="SM clock for the FP32 peak (run.sh passes nvidia-smi's clocks.max.sm)")
    arguments = parser.parse_args()
    if not torch.cuda.is_available():
        print("PyTorch sees no CUDA device", file=sys.stderr)
        return 3

    # Each window and shape is its own compiled graph; Dynamo's default limit of 8 would fall back to eager.
    torch._dynamo.config.recompile_limit = 64
    compiled_flex = torch.compile(flex_attention, dynamic=False)
    peak, peak_description = fp32_peak_tflops(arguments.sm_clock_mhz)
    print(f"PyTorch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}")
    print(peak_description)
    print(f"Shapes: batch {BATCH}, {HEADS} heads, {HEADS} KV heads, SeqQ = SeqK = seq, layout [batch, heads, seq, head]; "
          f"windows causal (q - k in [0, window - 1]); median of {SAMPLES} CUDA-event timings after {WARM_UPS} warm-ups.")

    try:
        checks_passed = check_flex_against_sdpa(compiled_flex)
    except Exception as error:  # report it, and still time SDPA
        print(f"check flex window vs sdpa window-mask failed: {type(error).__name__}: {error}", flush=True)
        checks_passed = False
    out_folder = os.environ.get("OUT")
    table = ResultTable(peak, os.path.join(out_folder, "peers.csv") if out_folder else None)
    try:
        sdpa_rows(table)
        flex_rows(table, compiled_flex, script_started)
    finally:
        table.close()
    return 0 if checks_passed else 1


if __name__ == "__main__":
    sys.exit(main())
