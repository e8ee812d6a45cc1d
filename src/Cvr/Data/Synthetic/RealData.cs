namespace Cvr.Data.Synthetic;

/// <summary>
/// Statistics of the real ShareChat RecSys Challenge 2023 data that the generator imitates. Every number here is
/// quoted from docs/data-format.md (shared docs) unless the comment says it is our own choice.
/// </summary>
internal static class RealData
{
    public const int FirstTrainDay = 45;
    public const int LastTrainDay = 66;
    public const int TestDay = 67;
    public const int ColumnCount = 80;

    /// <summary>Rows per day 45..66 (sum 3,485,852).</summary>
    public static ReadOnlySpan<int> TrainRowsPerDay =>
    [
        140206, 234077, 220135, 142226, 191145, 214404, 136566, 165538, 121879, 118980, 159477,
        187460, 179008, 121408, 153996, 134746, 136206, 210448, 136202, 136762, 147011, 97972,
    ];

    public const int TrainRows = 3_485_852;
    public const int TestRows = 160_973;
    public const int TrainShards = 30;

    /// <summary>Rows per shard in the real data (3,485,852 / 30), used to pick fewer shards at small scale.</summary>
    public const int RowsPerShard = 116_196;

    // Joint (is_clicked, is_installed) shares.
    public const double ShareClickNoInstall = 0.1487;
    public const double ShareInstallNoClick = 0.1029;
    public const double ShareClickInstall = 0.0711;
    public const double LikeRate = ShareClickNoInstall + ShareInstallNoClick + ShareClickInstall; // 0.3227
    public const double InstallRate = ShareInstallNoClick + ShareClickInstall;                   // 0.1740
    public const double ClickGivenInstall = ShareClickInstall / InstallRate;                     // 0.409

    // Duplicates (Table 3 of the paper): 20,017 in train of which 69 on day 66; 163 in test.
    public const int DuplicatesTrain = 20_017;
    public const int DuplicatesDay66 = 69;
    public const int DuplicatesTest = 163;
    public const int ConflictsTrain = 1_138;
    public const int ConflictsDay66 = 8;

    // Missing values.
    public const double MissingF30F31Train = 0.478;
    public const double MissingF30F31Test = 0.273;
    public const double MissingAdBlockTrain = 0.052;
    public const double MissingAdBlockTest = 0.061;

    /// <summary>The ad numeric block, missing together.</summary>
    public static ReadOnlySpan<int> AdBlockColumns => [43, 51, 58, 59, 64, 65, 66, 67, 68, 69, 70];

    public const int ConstantF7 = 27941;
    public const int TrainOnlyF23 = 16234;

    /// <summary>Share of train rows whose f_23 is 16234 (paper 3.1: 6.8%; data-format.md: 0 in 93.5%).</summary>
    public const double F23TrainOnlyShare = 0.065;

    /// <summary>Share of rows with any other non-zero f_23..f_25 value (paper 3.1: 0.02% train, 0.03% test).</summary>
    public const double F23RareShareTrain = 0.0002;
    public const double F23RareShareTest = 0.0003;

    /// <summary>f_26..f_29 are 0 except ~750 rows of 3,485,852.</summary>
    public const double F26To29NonZeroShare = 750.0 / TrainRows;

    /// <summary>f_64 above this in 2.5% of train rows and never in test.</summary>
    public const double F64TailThreshold = 3e8;
    public const double F64TailTrainShare = 0.025;

    /// <summary>Share of test rows on ads never seen in train ("up to 29.5%").</summary>
    public const double UnseenAdShareTest = 0.295;

    public const int AdsTotal = 5_167;
    public const int AdsPerDay = 2_800;
}
