namespace Cvr.Features;

/// <summary>
/// A Beta encoder's counts of fitting rows by slot (a fold, or a day) and category: positives and rows weighted by
/// the target's sample space, and per slot the weighted positives, the weighted rows and the raw rows. Exact integers,
/// so the counts of row blocks summed in any order are those of every row: ranks of a data-parallel job count their
/// own blocks and add every rank's (<see cref="Serialise"/>, <see cref="AddSerialised"/>) to get the tables one
/// machine computes from every row (<see cref="BetaEncoding.FoldTables"/>, <see cref="BetaEncoding.DayTables"/>).
/// </summary>
internal sealed class SlotCounts
{
    public SlotCounts(int slots, int categories)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        ArgumentOutOfRangeException.ThrowIfNegative(categories);
        Positives = new long[slots, categories];
        Rows = new long[slots, categories];
        Totals = new long[slots, 3];
    }

    public int Slots => Totals.GetLength(0);

    public int Categories => Rows.GetLength(1);

    /// <summary>Weighted positives by slot and category.</summary>
    public long[,] Positives { get; }

    /// <summary>Weighted rows by slot and category.</summary>
    public long[,] Rows { get; }

    /// <summary>Per slot: weighted positives, weighted rows, rows.</summary>
    public long[,] Totals { get; }

    /// <summary>Counts rows: each one's category (an index of the encoder's, every fitting row has one), label,
    /// sample-space weight (<paramref name="space"/> null: 1) and slot.</summary>
    public void Add(int[] categories, byte[] labels, byte[]? space, int[] slots)
    {
        for (var r = 0; r < categories.Length; r++)
        {
            var w = space is null ? 1 : space[r];
            var (s, c) = (slots[r], categories[r]);
            Positives[s, c] += labels[r] * w;
            Rows[s, c] += w;
            Totals[s, 0] += labels[r] * w;
            Totals[s, 1] += w;
            Totals[s, 2]++;
        }
    }

    /// <summary>The counts as a partial state: the shape, the totals, and the (slot, category) cells with rows (a
    /// block of rows fills few of them).</summary>
    public byte[] Serialise() => PartialFormat.Serialise(w =>
    {
        w.Write(Slots);
        w.Write(Categories);
        var totals = new long[Slots * 3];
        Buffer.BlockCopy(Totals, 0, totals, 0, totals.Length * sizeof(long));
        w.WriteArray<long>(totals);
        var (cells, positives, rows) = (new List<int>(), new List<long>(), new List<long>());
        for (var s = 0; s < Slots; s++)
        {
            for (var c = 0; c < Categories; c++)
            {
                // A cell with positives has rows (weights and labels are 0 or 1), so the cells with rows are every
                // non-zero one.
                if (Rows[s, c] == 0) { continue; }
                cells.Add(s * Categories + c);
                positives.Add(Positives[s, c]);
                rows.Add(Rows[s, c]);
            }
        }
        w.WriteArray<int>(cells);
        w.WriteArray<long>(positives);
        w.WriteArray<long>(rows);
    });

    /// <summary>Adds the counts of a <see cref="Serialise"/>d partial state of the same shape.</summary>
    /// <exception cref="InvalidDataException">Bytes of counts of another shape, or not counts at all; named by <paramref name="what"/>.</exception>
    public void AddSerialised(ReadOnlyMemory<byte> bytes, string what) => PartialFormat.Deserialise<object?>(bytes, r =>
    {
        var (slots, categories) = (r.ReadInt32(), r.ReadInt32());
        if (slots != Slots || categories != Categories)
        {
            throw new InvalidDataException($"counts of {slots} slots by {categories} categories, this rank counts {Slots} by {Categories}");
        }
        var totals = r.ReadArray<long>();
        if (totals.Length != Slots * 3) { throw new InvalidDataException($"{totals.Length} totals for {Slots} slots (expected {Slots * 3})"); }
        for (var i = 0; i < totals.Length; i++) { Totals[i / 3, i % 3] += totals[i]; }
        var (cells, positives, rows) = (r.ReadArray<int>(), r.ReadArray<long>(), r.ReadArray<long>());
        if (positives.Length != cells.Length || rows.Length != cells.Length)
        {
            throw new InvalidDataException($"{cells.Length} cells with {positives.Length} positives' and {rows.Length} rows' counts");
        }
        for (var i = 0; i < cells.Length; i++)
        {
            if ((uint)cells[i] >= (uint)(Slots * Categories)) { throw new InvalidDataException($"cell {cells[i]} is outside the {Slots} by {Categories} counts"); }
            var (s, c) = Math.DivRem(cells[i], Categories);
            Positives[s, c] += positives[i];
            Rows[s, c] += rows[i];
        }
        return null;
    }, what);
}
