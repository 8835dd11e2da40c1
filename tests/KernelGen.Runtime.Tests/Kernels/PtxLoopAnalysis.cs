using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Reads the PTX of one kernel and measures its innermost loops: floating-point multiply-adds per 4-byte element
/// loaded from shared memory and from global memory. A static measure of how well a loop reuses what it loads,
/// defined so that it cannot be met by rearranging text:
/// <list type="bullet">
/// <item>the control-flow graph comes from the labels and branches of the entry's body (<c>@%p bra</c> has two
/// successors, fall-through and target; <c>bra</c> one; <c>ret</c> and <c>exit</c> none);</item>
/// <item>loops are natural loops (a back edge <c>n -&gt; h</c> where <c>h</c> dominates <c>n</c>; the body is <c>h</c> and
/// every node that reaches <c>n</c> without passing <c>h</c>; back edges to one header share one loop), and only the
/// innermost ones count (no other loop's header in the body);</item>
/// <item>a multiply-add is an <c>fma.*.f32</c>, or a <c>mul.f32</c> whose only use in the kernel is an <c>add.f32</c> (ILGPU
/// writes <c>a * b + c</c> as mul and add, which ptxas contracts; a rounding modifier would forbid that);</item>
/// <item>loads count by bytes: <c>ld.shared.f32</c> is one element, <c>.v2.f32</c> two, <c>.v4.f32</c> four, an 8-byte load two.
/// A load is shared when it says <c>.shared</c> or its address comes from a shared allocation, global when it says
/// <c>.global</c> or is generic (ILGPU addresses <c>ArrayView</c> memory generically);</item>
/// <item>an <c>.extern .func</c> (what <c>MathF.FusedMultiplyAdd</c> becomes) is an error: only a GPU driver would reject it.</item>
/// </list>
/// </summary>
public sealed class PtxLoopAnalysis
{
    private static readonly Regex Label = new(@"^([A-Za-z_$][\w$]*):$", RegexOptions.Compiled);
    private static readonly Regex Register = new(@"%[A-Za-z_]\w*", RegexOptions.Compiled);
    private static readonly Regex SharedSymbol = new(@"^\s*\.shared\s+(?:\.align\s+\d+\s+)?\.\w+\s+(\w+)\[(\d+)\]", RegexOptions.Compiled | RegexOptions.Multiline);

    private PtxLoopAnalysis(IReadOnlyList<InnermostLoop> loops, IReadOnlyList<(string Name, int Bytes)> sharedAllocations, int loopCount)
    {
        InnermostLoops = loops;
        SharedAllocations = sharedAllocations;
        LoopCount = loopCount;
    }

    /// <summary>The innermost natural loops, in the order of their headers in the PTX.</summary>
    public IReadOnlyList<InnermostLoop> InnermostLoops { get; }

    /// <summary>The <c>.shared</c> allocations in declaration order (ILGPU names them <c>__shared_alloca0</c>, ... in allocation order).</summary>
    public IReadOnlyList<(string Name, int Bytes)> SharedAllocations { get; }

    /// <summary>All natural loops (distinct headers), innermost or not.</summary>
    public int LoopCount { get; }

    /// <summary>One innermost loop and what it does per trip.</summary>
    /// <param name="Header">The label of its header block.</param>
    /// <param name="Instructions">Instructions in its body.</param>
    /// <param name="MultiplyAdds">Floating-point multiply-adds in its body.</param>
    /// <param name="SharedElements">4-byte elements loaded from shared memory.</param>
    /// <param name="GlobalElements">4-byte elements loaded from global memory.</param>
    /// <param name="SharedArraysRead">Indices into <see cref="SharedAllocations"/> of the arrays its shared loads read.</param>
    public sealed record InnermostLoop(string Header, int Instructions, int MultiplyAdds, double SharedElements, double GlobalElements, IReadOnlyList<int> SharedArraysRead)
    {
        /// <summary>Multiply-adds per shared element; infinite when nothing is loaded from shared memory.</summary>
        public double PerSharedElement => SharedElements == 0 ? double.PositiveInfinity : MultiplyAdds / SharedElements;

        /// <summary>Multiply-adds per global element; infinite when nothing is loaded from global memory.</summary>
        public double PerGlobalElement => GlobalElements == 0 ? double.PositiveInfinity : MultiplyAdds / GlobalElements;

        public override string ToString() =>
            $"loop at {Header}: {Instructions} instructions, {MultiplyAdds} FMA, {SharedElements} shared and {GlobalElements} global elements loaded"
            + $" (reads shared {(SharedArraysRead.Count == 0 ? "nothing" : string.Join(", ", SharedArraysRead))}):"
            + $" {Format(PerSharedElement)} FMA per shared element, {Format(PerGlobalElement)} per global element";

        private static string Format(double ratio) => double.IsPositiveInfinity(ratio) ? "inf" : ratio.ToString("0.00", CultureInfo.InvariantCulture);
    }

    private sealed record Instruction(string Guard, string Opcode, string[] Operands, string Text)
    {
        public bool IsBranch => Opcode == "bra" || Opcode.StartsWith("bra.", StringComparison.Ordinal);

        public bool EndsFlow => Opcode == "ret" || Opcode == "exit" || Opcode.StartsWith("ret.", StringComparison.Ordinal);

        /// <summary>Instructions whose first operand is written. Stores, branches, barriers and reductions write no register.</summary>
        public bool HasDestination => !(IsBranch || EndsFlow || Opcode.StartsWith("st.", StringComparison.Ordinal) || Opcode.StartsWith("bar", StringComparison.Ordinal)
            || Opcode.StartsWith("red.", StringComparison.Ordinal) || Opcode.StartsWith("membar", StringComparison.Ordinal) || Opcode.StartsWith("fence", StringComparison.Ordinal)
            || Opcode.StartsWith("call", StringComparison.Ordinal) || Operands.Length == 0);

        public IEnumerable<string> Destinations => HasDestination ? Register.Matches(Operands[0]).Select(match => match.Value) : Enumerable.Empty<string>();

        public IEnumerable<string> Sources =>
            (HasDestination ? Operands.Skip(1) : Operands).SelectMany(operand => Register.Matches(operand).Select(match => match.Value))
                .Concat(Guard.Length > 0 ? Register.Matches(Guard).Select(match => match.Value) : Enumerable.Empty<string>());
    }

    /// <summary>Analyses the one <c>.entry</c> of <paramref name="ptx"/>.</summary>
    /// <exception cref="InvalidOperationException">The PTX declares an <c>.extern .func</c>, or has no single entry.</exception>
    public static PtxLoopAnalysis Analyse(string ptx)
    {
        var externs = Regex.Matches(ptx, @"\.extern\s+\.func[^;]*").Select(match => match.Value).ToList();
        if (externs.Count > 0)
        {
            throw new InvalidOperationException($"The PTX calls functions it does not define, which only a GPU driver would reject: {string.Join("; ", externs)}");
        }

        var shared = SharedSymbol.Matches(ptx).Select(match => (match.Groups[1].Value, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        var instructions = new List<Instruction>();
        var labelAt = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in EntryBody(ptx))
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith("//", StringComparison.Ordinal) || text.StartsWith('.') || text == "{" || text == "}")
            {
                continue;
            }

            if (Label.Match(text) is { Success: true } label)
            {
                labelAt[label.Groups[1].Value] = instructions.Count;
                continue;
            }

            instructions.Add(Parse(text));
        }

        // Basic blocks start at the entry, at every label, and after every branch, return or exit.
        var starts = new SortedSet<int> { 0 };
        foreach (var target in labelAt.Values)
        {
            starts.Add(target);
        }

        for (var index = 0; index < instructions.Count; index++)
        {
            if (instructions[index].IsBranch || instructions[index].EndsFlow)
            {
                starts.Add(index + 1);
            }
        }

        var blockStarts = starts.Where(start => start < instructions.Count).ToList();
        var blockOf = new int[instructions.Count];
        for (var block = 0; block < blockStarts.Count; block++)
        {
            var end = block + 1 < blockStarts.Count ? blockStarts[block + 1] : instructions.Count;
            for (var index = blockStarts[block]; index < end; index++)
            {
                blockOf[index] = block;
            }
        }

        int BlockAt(int instruction) => instruction < instructions.Count ? blockOf[instruction] : -1;
        var successors = new List<int>[blockStarts.Count];
        for (var block = 0; block < blockStarts.Count; block++)
        {
            var end = block + 1 < blockStarts.Count ? blockStarts[block + 1] : instructions.Count;
            var last = instructions[end - 1];
            var next = new List<int>();
            var fallsThrough = !((last.IsBranch || last.EndsFlow) && last.Guard.Length == 0);
            if (last.IsBranch)
            {
                var target = last.Operands[^1];
                if (!labelAt.TryGetValue(target, out var at))
                {
                    throw new InvalidOperationException($"Branch to unknown label {target}: {last.Text}");
                }

                next.Add(BlockAt(at));
            }

            if (fallsThrough && BlockAt(end) >= 0)
            {
                next.Add(BlockAt(end));
            }

            successors[block] = next.Where(successor => successor >= 0).Distinct().ToList();
        }

        var dominators = Dominators(successors);
        var predecessors = Enumerable.Range(0, successors.Length).Select(_ => new List<int>()).ToArray();
        for (var block = 0; block < successors.Length; block++)
        {
            foreach (var successor in successors[block])
            {
                predecessors[successor].Add(block);
            }
        }

        // Natural loops, merged per header.
        var loops = new Dictionary<int, HashSet<int>>();
        for (var block = 0; block < successors.Length; block++)
        {
            if (dominators[block] is null)
            {
                continue; // unreachable
            }

            foreach (var header in successors[block].Where(header => dominators[block]!.Contains(header)))
            {
                if (!loops.TryGetValue(header, out var body))
                {
                    loops[header] = body = new HashSet<int> { header };
                }

                var work = new Stack<int>();
                if (body.Add(block))
                {
                    work.Push(block);
                }

                while (work.Count > 0)
                {
                    foreach (var predecessor in predecessors[work.Pop()].Where(p => dominators[p] is not null))
                    {
                        if (body.Add(predecessor))
                        {
                            work.Push(predecessor);
                        }
                    }
                }
            }
        }

        var uses = CountUses(instructions);
        var sharedBase = SharedProvenance(instructions, shared.Select(allocation => allocation.Item1).ToList());
        var innermost = loops
            .Where(loop => !loops.Keys.Any(other => other != loop.Key && loop.Value.Contains(other)))
            .OrderBy(loop => blockStarts[loop.Key])
            .Select(loop => Measure(loop.Key, loop.Value, instructions, blockStarts, labelAt, uses, sharedBase))
            .ToList();
        return new PtxLoopAnalysis(innermost, shared, loops.Count);
    }

    /// <summary>The innermost loops that do floating-point multiply-adds: the loops a kernel's arithmetic runs in.</summary>
    public IReadOnlyList<InnermostLoop> ArithmeticLoops => InnermostLoops.Where(loop => loop.MultiplyAdds > 0).ToList();

    /// <summary>Each innermost loop on its own line.</summary>
    public override string ToString() =>
        $"{LoopCount} loops, {InnermostLoops.Count} innermost; shared {string.Join(", ", SharedAllocations.Select((allocation, index) => $"{index}: {allocation.Bytes} B"))}"
        + string.Concat(InnermostLoops.Select(loop => Environment.NewLine + "  " + loop));

    private static InnermostLoop Measure(
        int header, HashSet<int> body, List<Instruction> instructions, List<int> blockStarts, Dictionary<string, int> labelAt,
        Dictionary<string, List<Instruction>> uses, Dictionary<string, HashSet<int>> sharedBase)
    {
        var inLoop = body.SelectMany(block => Enumerable.Range(blockStarts[block], (block + 1 < blockStarts.Count ? blockStarts[block + 1] : instructions.Count) - blockStarts[block]))
            .Select(index => instructions[index])
            .ToList();
        var inLoopSet = new HashSet<Instruction>(inLoop, ReferenceEqualityComparer.Instance);
        var multiplyAdds = 0;
        double sharedElements = 0, globalElements = 0;
        var arrays = new SortedSet<int>();
        foreach (var instruction in inLoop)
        {
            if (instruction.Opcode.StartsWith("fma.", StringComparison.Ordinal) && instruction.Opcode.EndsWith(".f32", StringComparison.Ordinal))
            {
                multiplyAdds++;
            }
            else if (instruction.Opcode == "mul.f32"
                && instruction.Destinations.Single() is var product
                && uses.TryGetValue(product, out var users) && users.Count == 1
                && users[0].Opcode == "add.f32" && inLoopSet.Contains(users[0]))
            {
                multiplyAdds++;
            }

            if (instruction.Opcode == "ld" || instruction.Opcode.StartsWith("ld.", StringComparison.Ordinal))
            {
                var parts = instruction.Opcode.Split('.');
                var space = parts.FirstOrDefault(part => part is "shared" or "global" or "local" or "param" or "const");
                var address = Register.Match(instruction.Operands[^1]);
                var bases = address.Success && sharedBase.TryGetValue(address.Value, out var found) ? found : null;
                var elements = Elements(parts);
                if (space == "shared" || (space is null && bases is not null))
                {
                    sharedElements += elements;
                    arrays.UnionWith(bases ?? Enumerable.Empty<int>());
                }
                else if (space is "global" or null)
                {
                    globalElements += elements;
                }
            }
        }

        var headerLabel = labelAt.Where(pair => pair.Value == blockStarts[header]).Select(pair => pair.Key).FirstOrDefault() ?? $"block {header}";
        return new InnermostLoop(headerLabel, inLoop.Count, multiplyAdds, sharedElements, globalElements, arrays.ToList());
    }

    /// <summary>4-byte elements moved by a load with these opcode parts (<c>ld.shared.v4.f32</c>: four).</summary>
    private static double Elements(string[] parts)
    {
        var vector = parts.Select(part => part switch { "v2" => 2, "v4" => 4, "v8" => 8, _ => 0 }).FirstOrDefault(width => width > 0);
        var type = parts[^1];
        var bits = int.TryParse(type.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 32;
        return Math.Max(vector, 1) * bits / 32.0;
    }

    private static Dictionary<string, List<Instruction>> CountUses(List<Instruction> instructions)
    {
        var uses = new Dictionary<string, List<Instruction>>(StringComparer.Ordinal);
        foreach (var instruction in instructions)
        {
            foreach (var source in instruction.Sources)
            {
                if (!uses.TryGetValue(source, out var list))
                {
                    uses[source] = list = new List<Instruction>();
                }

                list.Add(instruction);
            }
        }

        return uses;
    }

    /// <summary>Which shared allocations each register may point into: from <c>mov %rd, __shared_allocaN</c> through any arithmetic, to a fixed point.</summary>
    private static Dictionary<string, HashSet<int>> SharedProvenance(List<Instruction> instructions, List<string> sharedNames)
    {
        var bases = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var instruction in instructions.Where(instruction => instruction.HasDestination && !instruction.Opcode.StartsWith("ld", StringComparison.Ordinal)))
            {
                var from = new HashSet<int>();
                foreach (var operand in instruction.Operands.Skip(1))
                {
                    var symbol = sharedNames.IndexOf(operand.Trim('[', ']', ' '));
                    if (symbol >= 0)
                    {
                        from.Add(symbol);
                    }

                    foreach (Match register in Register.Matches(operand))
                    {
                        if (bases.TryGetValue(register.Value, out var known))
                        {
                            from.UnionWith(known);
                        }
                    }
                }

                if (from.Count == 0)
                {
                    continue;
                }

                foreach (var destination in instruction.Destinations)
                {
                    if (!bases.TryGetValue(destination, out var set))
                    {
                        bases[destination] = set = new HashSet<int>();
                    }

                    if (set.Count < set.Union(from).Count())
                    {
                        set.UnionWith(from);
                        changed = true;
                    }
                }
            }
        }
        while (changed);
        return bases;
    }

    /// <summary>Dominator sets per block (null for blocks the entry does not reach), by the iterative data-flow algorithm.</summary>
    private static HashSet<int>?[] Dominators(List<int>[] successors)
    {
        var count = successors.Length;
        var reachable = new bool[count];
        var order = new List<int>();
        var stack = new Stack<int>();
        stack.Push(0);
        reachable[0] = true;
        while (stack.Count > 0)
        {
            var block = stack.Pop();
            order.Add(block);
            foreach (var successor in successors[block].Where(successor => !reachable[successor]))
            {
                reachable[successor] = true;
                stack.Push(successor);
            }
        }

        var predecessors = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        foreach (var block in order)
        {
            foreach (var successor in successors[block])
            {
                predecessors[successor].Add(block);
            }
        }

        var all = order.ToHashSet();
        var dominators = new HashSet<int>?[count];
        foreach (var block in order)
        {
            dominators[block] = block == 0 ? new HashSet<int> { 0 } : new HashSet<int>(all);
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var block in order.Where(block => block != 0))
            {
                var next = new HashSet<int>(all);
                foreach (var predecessor in predecessors[block])
                {
                    next.IntersectWith(dominators[predecessor]!);
                }

                next.Add(block);
                if (!next.SetEquals(dominators[block]!))
                {
                    dominators[block] = next;
                    changed = true;
                }
            }
        }
        while (changed);
        return dominators;
    }

    private static Instruction Parse(string text)
    {
        var statement = text.TrimEnd(';').Trim();
        var guard = string.Empty;
        if (statement.StartsWith('@'))
        {
            var space = statement.IndexOfAny(new[] { ' ', '\t' });
            guard = statement[..space];
            statement = statement[space..].Trim();
        }

        var split = statement.IndexOfAny(new[] { ' ', '\t' });
        var opcode = split < 0 ? statement : statement[..split];
        var rest = split < 0 ? string.Empty : statement[split..].Trim();
        var operands = rest.Length == 0 ? Array.Empty<string>() : SplitOperands(rest);
        return new Instruction(guard, opcode, operands, text);
    }

    // Commas inside brackets or braces (vector operands) do not separate operands.
    private static string[] SplitOperands(string rest)
    {
        var operands = new List<string>();
        var depth = 0;
        var start = 0;
        for (var index = 0; index < rest.Length; index++)
        {
            switch (rest[index])
            {
                case '[' or '{': depth++; break;
                case ']' or '}': depth--; break;
                case ',' when depth == 0:
                    operands.Add(rest[start..index].Trim());
                    start = index + 1;
                    break;
            }
        }

        operands.Add(rest[start..].Trim());
        return operands.ToArray();
    }

    /// <summary>The lines of the one <c>.entry</c>'s body.</summary>
    private static IEnumerable<string> EntryBody(string ptx)
    {
        var entries = Regex.Matches(ptx, @"\.entry\s+\w+").Count;
        if (entries != 1)
        {
            throw new InvalidOperationException($"Expected one .entry, found {entries}.");
        }

        var entry = ptx.IndexOf(".entry", StringComparison.Ordinal);
        var open = ptx.IndexOf('{', ptx.IndexOf(')', entry));
        var depth = 0;
        for (var index = open; index < ptx.Length; index++)
        {
            if (ptx[index] == '{')
            {
                depth++;
            }
            else if (ptx[index] == '}' && --depth == 0)
            {
                return ptx[(open + 1)..index].Split('\n');
            }
        }

        throw new InvalidOperationException("The .entry's body does not close.");
    }
}
