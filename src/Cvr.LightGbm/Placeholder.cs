namespace Cvr.LightGbm;
internal static class Placeholder { }
