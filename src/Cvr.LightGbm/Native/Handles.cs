using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>
/// Base for LightGBM handles. Besides freeing its own pointer, a handle can hold references on other handles
/// that the native object points into (a booster keeps raw pointers to its training and validation datasets,
/// a fast-prediction config to its booster); those are released only after this handle is freed, so disposing
/// them early from managed code can never leave LightGBM with a dangling pointer.
/// </summary>
internal abstract class LightGbmHandle : SafeHandle
{
    private List<SafeHandle>? _dependencies;

    protected LightGbmHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    internal void KeepAlive(SafeHandle dependency)
    {
        var added = false;
        dependency.DangerousAddRef(ref added);
        if (added)
        {
            lock (this)
            {
                (_dependencies ??= []).Add(dependency);
            }
        }
    }

    // Must not throw (it may run on the finalizer thread); the native status is the result.
    protected sealed override bool ReleaseHandle()
    {
        var status = Free(handle);
        if (_dependencies is { } dependencies)
        {
            foreach (var dependency in dependencies)
            {
                dependency.DangerousRelease();
            }
        }
        return status == 0;
    }

    protected abstract int Free(nint pointer);
}

internal sealed class DatasetHandle : LightGbmHandle
{
    /// <summary>The null handle LightGBM expects for "no reference dataset"; never freed.</summary>
    internal static readonly DatasetHandle None = new();

    protected override int Free(nint pointer) => NativeMethods.LGBM_DatasetFree(pointer);
}

internal sealed class BoosterHandle : LightGbmHandle
{
    protected override int Free(nint pointer) => NativeMethods.LGBM_BoosterFree(pointer);
}

internal sealed class FastConfigHandle : LightGbmHandle
{
    protected override int Free(nint pointer) => NativeMethods.LGBM_FastConfigFree(pointer);
}
