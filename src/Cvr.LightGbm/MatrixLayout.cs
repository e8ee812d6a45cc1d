namespace Cvr.LightGbm;

/// <summary>How a dense matrix is laid out in its flat span.</summary>
public enum MatrixLayout
{
    /// <summary>Row after row: element (r, c) at r × columns + c.</summary>
    RowMajor,

    /// <summary>Column after column: element (r, c) at c × rows + r (the layout of a columnar frame).</summary>
    ColumnMajor,
}
