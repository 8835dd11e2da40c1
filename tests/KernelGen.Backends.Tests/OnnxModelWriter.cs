using System.Collections.Generic;
using System.IO;
using System.Text;

namespace KernelGen.Backends.Tests;

/// <summary>
/// Writes the one-node ONNX model these tests run, as protobuf by hand: a handful of fields of <c>onnx.proto</c>
/// (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto), so no Python or protobuf tooling is needed.
/// </summary>
internal static class OnnxModelWriter
{
    public const int Float = 1;
    public const int Int32 = 6;

    /// <summary>A graph input or output: name, element type and fixed dimensions.</summary>
    public sealed record Value(string Name, int ElementType, params long[] Dimensions);

    /// <summary>A model with one node <paramref name="opType"/> of <paramref name="domain"/> and integer attributes.</summary>
    public static byte[] SingleNode(string opType, string domain, IReadOnlyList<Value> inputs, IReadOnlyList<Value> outputs, IReadOnlyDictionary<string, long> attributes)
    {
        var node = new ProtoMessage();
        foreach (var input in inputs)
        {
            node.String(1, input.Name);
        }

        foreach (var output in outputs)
        {
            node.String(2, output.Name);
        }

        node.String(3, "node").String(4, opType).String(7, domain);
        foreach (var (name, value) in attributes)
        {
            node.Message(5, new ProtoMessage().String(1, name).Varint(3, value).Varint(20, 2));
        }

        var graph = new ProtoMessage().Message(1, node).String(2, "graph");
        foreach (var input in inputs)
        {
            graph.Message(11, ValueInfo(input));
        }

        foreach (var output in outputs)
        {
            graph.Message(12, ValueInfo(output));
        }

        return new ProtoMessage()
            .Varint(1, 8)
            .String(2, "KernelGen tests")
            .Message(7, graph)
            .Message(8, new ProtoMessage().String(1, string.Empty).Varint(2, 17))
            .Message(8, new ProtoMessage().String(1, domain).Varint(2, 1))
            .ToArray();
    }

    private static ProtoMessage ValueInfo(Value value)
    {
        var shape = new ProtoMessage();
        foreach (var dimension in value.Dimensions)
        {
            shape.Message(1, new ProtoMessage().Varint(1, dimension));
        }

        var tensor = new ProtoMessage().Varint(1, value.ElementType).Message(2, shape);
        return new ProtoMessage().String(1, value.Name).Message(2, new ProtoMessage().Message(1, tensor));
    }

    private sealed class ProtoMessage
    {
        private readonly MemoryStream _bytes = new();

        public ProtoMessage Varint(int field, long value)
        {
            Tag(field, 0);
            Raw((ulong)value);
            return this;
        }

        public ProtoMessage String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoMessage Message(int field, ProtoMessage value) => Bytes(field, value.ToArray());

        public byte[] ToArray() => _bytes.ToArray();

        private ProtoMessage Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        private void Tag(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            do
            {
                var next = (byte)(value & 0x7F);
                value >>= 7;
                _bytes.WriteByte(value == 0 ? next : (byte)(next | 0x80));
            }
            while (value != 0);
        }
    }
}
