namespace Cvr;
internal static class Placeholder { }
