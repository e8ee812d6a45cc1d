using System.Buffers;
using System.IO.MemoryMappedFiles;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using ArrowSchema = Apache.Arrow.Schema;

namespace Cvr.Data.Cache;

public static partial class FrameCache
{
    /// <summary>Writes the frame as an Arrow IPC file, atomically (temporary name, then rename).</summary>
    internal static void Write(Frame frame, string file, string key)
    {
        var fields = frame.Schema.Columns.Select(c => ColumnField(c, frame)).ToList();
        var schema = new ArrowSchema(fields, new Dictionary<string, string>
        {
            [KeyMetadata] = key,
            [RowsMetadata] = frame.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        IO.AtomicFile.Write(file, stream =>
        {
            using (var writer = new ArrowFileWriter(stream, schema, leaveOpen: true))
            {
                for (var start = 0; start < frame.RowCount; start += BatchRows)
                {
                    var length = Math.Min(BatchRows, frame.RowCount - start);
                    var arrays = new IArrowArray[fields.Count];
                    for (var c = 0; c < fields.Count; c++)
                    {
                        var spec = frame.Schema.Columns[c];
                        var size = ElementSize(spec.Kind);
                        var bytes = ColumnBytes(frame, spec).Slice(start * size, length * size).ToArray();
                        var data = new ArrayData(fields[c].DataType, length, nullCount: 0, offset: 0,
                            [ArrowBuffer.Empty, new ArrowBuffer(bytes)]);
                        arrays[c] = ArrowArrayFactory.BuildArray(data);
                    }
                    writer.WriteRecordBatch(new RecordBatch(schema, arrays, length));
                }
                writer.WriteEnd();
            }
        });
    }

    /// <summary>
    /// Reads a cached frame, or returns null when its key shows the sources changed. The file is memory-mapped and
    /// its record batches decoded in place (the Arrow IPC file body is the IPC stream format after an 8-byte magic),
    /// so the only copy is from the page cache into the frame's arrays, done in parallel over (batch, column).
    /// </summary>
    internal static unsafe Frame? TryRead(string file, string key)
    {
        var length = new FileInfo(file).Length;
        if (length < 2 * ArrowMagicBytes)
        {
            throw new InvalidDataException($"{length} bytes is too short for an Arrow file");
        }
        using var mapped = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = mapped.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            pointer += view.PointerOffset;
            if (!new ReadOnlySpan<byte>(pointer, 6).SequenceEqual("ARROW1"u8) || !new ReadOnlySpan<byte>(pointer + length - 6, 6).SequenceEqual("ARROW1"u8))
            {
                throw new InvalidDataException("no Arrow file magic");
            }
            using var memory = new UnmanagedMemory(pointer + ArrowMagicBytes, checked((int)(length - ArrowMagicBytes)));
            using var reader = new ArrowStreamReader(memory.Memory);
            return Decode(reader, key);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static Frame? Decode(ArrowStreamReader reader, string key)
    {
        var schema = reader.Schema;
        if (schema.Metadata is null || !schema.Metadata.TryGetValue(KeyMetadata, out var stored) || stored != key)
        {
            return null;
        }
        var specs = schema.FieldsList
            .Select(f => new ColumnSpec(f.Name, Enum.Parse<ColumnKind>(f.Metadata[KindMetadata])))
            .ToArray();
        var frameSchema = new Schema(specs);
        var rows = int.Parse(schema.Metadata[RowsMetadata], System.Globalization.CultureInfo.InvariantCulture);
        var batches = new List<(RecordBatch Batch, int Offset)>();
        var offset = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            batches.Add((batch, offset));
            offset += batch.Length;
            if (offset > rows)
            {
                throw new InvalidDataException($"holds more rows than its header's {rows}");
            }
        }
        if (offset != rows)
        {
            throw new InvalidDataException($"holds {offset} rows, its header says {rows}");
        }
        var builder = new FrameBuilder(frameSchema, rows);
        Parallel.For(0, batches.Count * specs.Length, i =>
        {
            var (batch, start) = batches[i / specs.Length];
            var c = i % specs.Length;
            var size = ElementSize(specs[c].Kind);
            var source = batch.Column(c).Data.Buffers[1].Span[..(batch.Length * size)];
            source.CopyTo(TargetSpan(builder, c).Slice(start * size, batch.Length * size));
        });
        foreach (var (batch, _) in batches)
        {
            batch.Dispose();
        }
        var categoricals = new List<CategoricalColumn>();
        var numerics = new List<NumericColumn>();
        var labels = new List<LabelColumn>();
        for (var c = 0; c < specs.Length; c++)
        {
            var spec = specs[c];
            switch (spec.Kind)
            {
                case ColumnKind.Categorical:
                    var text = schema.FieldsList[c].Metadata[LevelsMetadata];
                    var levels = text.Length == 0 ? [] : text.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    categoricals.Add(new CategoricalColumn(spec.Name, builder.Target<int>(c), levels));
                    break;
                case ColumnKind.Binary or ColumnKind.Numeric:
                    numerics.Add(new NumericColumn(spec.Name, spec.Kind, builder.Target<float>(c)));
                    break;
                case ColumnKind.Label:
                    labels.Add(new LabelColumn(spec.Name, builder.Target<byte>(c)));
                    break;
            }
        }
        return new Frame(frameSchema, builder.Target<long>(frameSchema.IndexOf(Schema.RowIdColumn)),
            builder.Target<int>(frameSchema.IndexOf(Schema.DayColumn)), categoricals, numerics, labels);
    }

    private static Span<byte> TargetSpan(FrameBuilder builder, int c) => builder.Kinds[c] switch
    {
        ColumnKind.RowId => System.Runtime.InteropServices.MemoryMarshal.AsBytes(builder.Target<long>(c).AsSpan()),
        ColumnKind.Day or ColumnKind.Categorical => System.Runtime.InteropServices.MemoryMarshal.AsBytes(builder.Target<int>(c).AsSpan()),
        ColumnKind.Binary or ColumnKind.Numeric => System.Runtime.InteropServices.MemoryMarshal.AsBytes(builder.Target<float>(c).AsSpan()),
        _ => builder.Target<byte>(c).AsSpan(),
    };

    /// <summary>"ARROW1" and its padding to 8 bytes, before the IPC stream inside an Arrow file.</summary>
    private const int ArrowMagicBytes = 8;

    /// <summary>Exposes mapped file bytes as <see cref="Memory{T}"/> for the Arrow reader, without copying.</summary>
    private sealed unsafe class UnmanagedMemory(byte* pointer, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
