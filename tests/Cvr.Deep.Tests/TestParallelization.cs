// The test classes of this assembly run one after another: TorchSharp leaves the scalars it creates for an operator
// to the finalizer, so a collection started by another thread's allocations (another class's test running beside a
// training) can free one while a libtorch call still reads it ("Unknown scalar type"). Training itself never runs
// beside an allocating thread of its own (MmoeTraining.RunEpochs).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
