namespace Cvr.Data.Synthetic;

/// <summary>Formats rows and truth rows in the challenge layout (TAB-separated, '\n', empty field = missing).</summary>
internal sealed class RowFormatter(World world)
{
    private readonly World _w = world;

    public static string Header(bool withLabels)
    {
        var names = Enumerable.Range(0, RealData.ColumnCount).Select(c => $"f_{c}");
        if (withLabels) names = names.Concat(["is_clicked", "is_installed"]);
        return string.Join('\t', names) + "\n";
    }

    public const string TrainTruthHeader = "RowId\tp_like\tp_install_given_like\tp_installed\tp_clicked\n";
    public const string TestTruthHeader = "RowId\tis_clicked\tis_installed\tp_like\tp_install_given_like\tp_installed\tp_clicked\n";

    public void WriteRow(Utf8Sink s, Row r, bool withLabels)
    {
        s.Reserve();
        s.Integer(r.Id);
        s.Tab();
        s.Integer(r.Day);
        var ix = r.Index;
        var d = _w.Domains;
        for (int c = 2; c <= 32; c++)
        {
            s.Tab();
            if (ix[c] != Row.Missing) s.Integer(d.Code(c, ix[c]));
        }
        for (int k = 0; k < 9; k++)
        {
            s.Tab();
            s.Byte(r.Count[71 + k] > 0 ? (byte)'1' : (byte)'0');
        }
        var bases = Columns.Bases;
        var kinds = Columns.Kinds;
        var decimals = Columns.AdBlockDecimals;
        for (int c = 42; c < RealData.ColumnCount; c++)
        {
            s.Tab();
            if (kinds[c] == ColumnKind.Count)
            {
                long n = r.Count[c];
                if (n == 0) s.Byte((byte)'0');
                else s.Fixed(n * bases[c].Mantissa, bases[c].Decimals);
            }
            else if (!r.AdBlockMissing)
            {
                int slot = Columns.AdBlockSlot[c];
                s.Fixed(_w.Catalog.BlockMantissa(r.Ad, r.Day, slot), decimals[slot]);
            }
        }
        if (withLabels)
        {
            s.Tab();
            s.Byte(r.Clicked ? (byte)'1' : (byte)'0');
            s.Tab();
            s.Byte(r.Installed ? (byte)'1' : (byte)'0');
        }
        s.NewLine();
    }

    public static void WriteTruth(Utf8Sink s, Row r, bool withLabels)
    {
        s.Reserve();
        s.Integer(r.Id);
        if (withLabels)
        {
            s.Tab();
            s.Byte(r.Clicked ? (byte)'1' : (byte)'0');
            s.Tab();
            s.Byte(r.Installed ? (byte)'1' : (byte)'0');
        }
        s.Tab();
        s.Double(r.PLike);
        s.Tab();
        s.Double(r.PInstallGivenLike);
        s.Tab();
        s.Double(r.PInstalled);
        s.Tab();
        s.Double(r.PClicked);
        s.NewLine();
    }
}
