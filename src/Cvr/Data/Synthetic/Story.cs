using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>
/// The label story (documented on <see cref="SyntheticData"/>): like logit, install-given-like logit and
/// click-given-install logit from a row's features; then labels drawn from those probabilities.
/// </summary>
internal static class Story
{
    public static void Logits(World w, Row r, out double like, out double install, out double click)
    {
        var p = w.Parameters;
        var ad = w.Catalog.Ads[r.Ad];
        var ix = r.Index;
        int dm = r.Day % World.DaysPerWeek;
        int hw = dm * World.HoursPerDay + r.Hour;
        int app = ix[4];
        double dayOffset = r.Day - World.PivotDay;

        like = p.GlobalDriftPerDay * dayOffset + ad.Like + ad.CrossLike[r.AppSlot] + w.AppLike[app]
            + w.HourLike[r.Hour] + w.WeekdayLike[dm] + w.HourWeekdayLike[hw]
            + p.F42LikeSlope * (Math.Log(1 + r.Count[42]) - w.LogMean42ByF2[ix[2]])
            + p.F71LikeSlope * (r.Count[71] - 3 * w.Q71ByHour[r.Hour]);
        foreach (int c in World.UserLikeColumns) like += w.UserLike[c][ix[c]];

        install = p.GlobalDriftPerDay * dayOffset + ad.Install + ad.Drift * dayOffset / 11 + ad.CrossInstall[r.AppSlot]
            + w.AppInstall[app] + w.CategoryInstall[ix[2]] + w.FormatInstall[ix[3]]
            + p.AdF64InstallSlope * AdCatalog.F64Z(w.Catalog.F64Value(r.Ad))
            + w.HourWeekdayInstall[hw] + w.F13Install[ix[13]] + w.F15Install[ix[15]] + w.F18Install[ix[18]]
            + p.F54InstallSlope * (Math.Log(1 + r.Count[54]) - w.LogMean54ByF4[app])
            + p.F74InstallSlope * (Math.Log(1 + r.Count[74]) - w.LogMean74ByF13[ix[13]]);

        click = ad.Click + w.FormatClick[ix[3]];
    }

    /// <summary>Sets the row's true probabilities from its features.</summary>
    public static void Apply(World w, Row r)
    {
        Logits(w, r, out double like, out double install, out double click);
        double pLike = Sigmoid(w.LikeIntercept + like);
        double pInstall = Sigmoid(w.InstallIntercept + install);
        double pClickIfInstalled = Sigmoid(w.ClickIntercept + click);
        r.PLike = pLike;
        r.PInstallGivenLike = pInstall;
        r.PInstalled = pLike * pInstall;
        // A like that does not install is a click; a like that installs is clicked with pClickIfInstalled.
        r.PClicked = pLike * (1 - pInstall + pInstall * pClickIfInstalled);
    }

    /// <summary>Draws (is_clicked, is_installed): like, then install given like, then click given install.</summary>
    public static void SampleLabels(World w, Row r, ref Xoshiro256 rng)
    {
        bool like = rng.NextDouble() < r.PLike;
        bool installed = like && rng.NextDouble() < r.PInstallGivenLike;
        bool clicked = like && (!installed || rng.NextDouble() < ClickIfInstalled(w, r));
        r.Installed = installed;
        r.Clicked = clicked;
    }

    private static double ClickIfInstalled(World w, Row r)
    {
        var ad = w.Catalog.Ads[r.Ad];
        return Sigmoid(w.ClickIntercept + ad.Click + w.FormatClick[r.Index[3]]);
    }

    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}
