namespace Cvr.LightGbm.Tests;

public class LightGbmExceptionTests
{
    [Fact]
    public void Constructor_CallAndNativeMessage_FormatsBoth()
    {
        var error = new LightGbmException("LGBM_BoosterCreate", "Unknown objective type name: x");
        Assert.Equal("LGBM_BoosterCreate failed: Unknown objective type name: x", error.Message);
        Assert.Equal("LGBM_BoosterCreate", error.Call);
        Assert.Equal("Unknown objective type name: x", error.NativeMessage);
    }

    [LightGbmFact]
    public void NativeFailure_OnOtherThread_CarriesThatThreadsMessage()
    {
        // LGBM_GetLastError is thread-local: the check must read it on the failing thread.
        var error = Task.Run(() => Assert.Throws<LightGbmException>(() => Booster.LoadFromFile("/nonexistent/model.txt"))).Result;
        Assert.Equal("LGBM_BoosterCreateFromModelfile", error.Call);
        Assert.Contains("/nonexistent/model.txt", error.NativeMessage, StringComparison.Ordinal);
    }
}
