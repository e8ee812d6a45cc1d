using System.Text;

namespace Cvr.Data.Text;

/// <summary>
/// Parses whole lines of delimited text into a <see cref="FrameBuilder"/>'s row range, one pass over the bytes:
/// every field is scanned as the number its column expects and must be followed by the delimiter (or the line
/// end for the last column). Anything unusual leaves the fast path for <see cref="SlowField"/>, which either
/// accepts the field through the exact parser or raises the data error.
/// </summary>
internal sealed unsafe class ChunkParser(FrameBuilder builder, byte delimiter)
{
    private readonly ColumnKind[] _kinds = builder.Kinds;
    private readonly Schema _schema = builder.Schema;

    /// <summary>
    /// Parses exactly <paramref name="rowCount"/> lines from <paramref name="text"/> into rows starting at
    /// <paramref name="firstRow"/>; <paramref name="firstLine"/> is the 1-based line number of the first one.
    /// </summary>
    public void Parse(ReadOnlySpan<byte> text, int firstRow, int rowCount, long firstLine, string file)
    {
        var columns = _kinds.Length;
        var targets = builder.Targets;
        fixed (byte* start = text)
        {
            var p = start;
            var end = start + text.Length;
            for (var r = 0; r < rowCount; r++)
            {
                var row = firstRow + r;
                for (var c = 0; c < columns; c++)
                {
                    var fieldStart = p;
                    var ok = true;
                    switch (_kinds[c])
                    {
                        case ColumnKind.Numeric:
                        case ColumnKind.Binary:
                            {
                                float v;
                                if (p < end && (*p == delimiter || *p == (byte)'\n' || *p == (byte)'\r'))
                                {
                                    v = float.NaN;
                                }
                                else if (NumberScanner.ScanFloat(ref p, end, out v) != NumberScanner.ScanResult.Ok
                                    || !float.IsFinite(v) || (_kinds[c] == ColumnKind.Binary && v != 0f && v != 1f))
                                {
                                    ok = false;
                                }
                                ((float[])targets[c])[row] = v;
                                break;
                            }
                        case ColumnKind.Categorical:
                            {
                                if (p < end && (*p == delimiter || *p == (byte)'\n' || *p == (byte)'\r'))
                                {
                                    ((int[])targets[c])[row] = FrameBuilder.MissingCategory;
                                }
                                else if (NumberScanner.ScanInteger(ref p, end, out var v) && v > int.MinValue && v <= int.MaxValue)
                                {
                                    ((int[])targets[c])[row] = (int)v;
                                }
                                else
                                {
                                    ok = false;
                                }
                                break;
                            }
                        case ColumnKind.Day:
                            {
                                if (NumberScanner.ScanInteger(ref p, end, out var v) && v >= int.MinValue && v <= int.MaxValue)
                                {
                                    ((int[])targets[c])[row] = (int)v;
                                }
                                else
                                {
                                    ok = false;
                                }
                                break;
                            }
                        case ColumnKind.RowId:
                            ok = NumberScanner.ScanInteger(ref p, end, out ((long[])targets[c])[row]);
                            break;
                        case ColumnKind.Label:
                            {
                                if (NumberScanner.ScanInteger(ref p, end, out var v) && (v == 0 || v == 1))
                                {
                                    ((byte[])targets[c])[row] = (byte)v;
                                }
                                else
                                {
                                    ok = false;
                                }
                                break;
                            }
                    }
                    if (c < columns - 1)
                    {
                        if (ok && p < end && *p == delimiter)
                        {
                            p++;
                            continue;
                        }
                    }
                    else if (ok)
                    {
                        if (p == end)
                        {
                            continue;
                        }
                        if (*p == (byte)'\n')
                        {
                            p++;
                            continue;
                        }
                        if (*p == (byte)'\r' && p + 1 < end && p[1] == (byte)'\n')
                        {
                            p += 2;
                            continue;
                        }
                        if (*p == (byte)'\r' && p + 1 == end)
                        {
                            p++;
                            continue;
                        }
                    }
                    p = SlowField(start, fieldStart, end, c, row, firstLine + r, file);
                }
            }
            if (p != end)
            {
                throw new InvalidOperationException($"{file}: chunk parse ended at byte {p - start} of {text.Length}; line counting and parsing disagree");
            }
        }
    }

    /// <summary>
    /// The field at <paramref name="fieldStart"/> failed the fast path: find its true extent, accept it through
    /// the exact parser if it is valid after all, or throw the data error. Returns the position after the
    /// field's terminator.
    /// </summary>
    private byte* SlowField(byte* start, byte* fieldStart, byte* end, int c, int row, long line, string file)
    {
        var columns = _kinds.Length;
        var name = _schema.Columns[c].Name;
        var q = fieldStart;
        while (q < end && *q != delimiter && *q != (byte)'\n')
        {
            q++;
        }
        var atLineEnd = q == end || *q == (byte)'\n';
        var fieldEnd = q;
        if (atLineEnd && fieldEnd > fieldStart && fieldEnd[-1] == (byte)'\r')
        {
            fieldEnd--;
        }
        if (c < columns - 1 && atLineEnd)
        {
            throw DataError.Line(file, line, $"the line has {c + 1} field{(c == 0 ? "" : "s")}, expected {columns} (as in the header)");
        }
        if (c == columns - 1 && !atLineEnd)
        {
            var fields = columns + CountDelimitersToLineEnd(q, end);
            throw DataError.Line(file, line, $"the line has {fields} fields, expected {columns} (as in the header)");
        }
        var field = new ReadOnlySpan<byte>(fieldStart, (int)(fieldEnd - fieldStart));
        var text = Encoding.UTF8.GetString(field);
        switch (_kinds[c])
        {
            case ColumnKind.Numeric:
            case ColumnKind.Binary:
                if (!NumberScanner.TryParseFloatSlow(field, out var v) && !IsNonFiniteSpelling(text))
                {
                    throw DataError.At(file, line, name, text, "cannot parse", _kinds[c] == ColumnKind.Binary
                        ? "expected 0, 1 or an empty field" : "expected a number or an empty field");
                }
                if (!float.IsFinite(v) || IsNonFiniteSpelling(text))
                {
                    throw DataError.At(file, line, name, text, "non-finite value", "expected a finite number or an empty field");
                }
                if (_kinds[c] == ColumnKind.Binary && v != 0f && v != 1f)
                {
                    throw DataError.At(file, line, name, text, "not a binary value", "expected 0, 1 or an empty field");
                }
                ((float[])builder.Targets[c])[row] = v;
                break;
            case ColumnKind.Categorical:
                throw DataError.At(file, line, name, text, "cannot parse",
                    $"expected an integer category from {int.MinValue + 1} to {int.MaxValue} or an empty field");
            case ColumnKind.Day:
                throw DataError.At(file, line, name, text, text.Length == 0 ? "missing day" : "cannot parse",
                    "expected an integer day number");
            case ColumnKind.RowId:
                throw DataError.At(file, line, name, text, text.Length == 0 ? "missing row id" : "cannot parse",
                    "expected an integer row id");
            case ColumnKind.Label:
                throw DataError.At(file, line, name, text, text.Length == 0 ? "missing label" : "invalid label",
                    "expected 0 or 1");
        }
        return q == end ? q : q + 1;
    }

    /// <summary>Spellings of NaN and infinity other tools write (numpy's "inf", "nan"), which .NET doesn't parse.</summary>
    private static bool IsNonFiniteSpelling(string text)
    {
        var t = text.Trim().TrimStart('+', '-').ToLowerInvariant();
        return t is "inf" or "infinity" or "nan" or "-nan(ind)";
    }

    private int CountDelimitersToLineEnd(byte* p, byte* end)
    {
        var n = 0;
        while (p < end && *p != (byte)'\n')
        {
            if (*p == delimiter) { n++; }
            p++;
        }
        return n;
    }

}
