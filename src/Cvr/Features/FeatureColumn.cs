using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// One output column of a feature step: its name (docs/features.md) and what its values are — categorical codes
/// (base categoricals, date_mod, crosses), the day, binary flags or numbers. <paramref name="FromRawColumn"/>: the
/// column passes a raw data column through (a base column), so a missing raw value can be told apart from the fill.
/// </summary>
public sealed record FeatureColumn(string Name, ColumnKind Kind, bool FromRawColumn = false);
