// Micro-benchmarks of NetServer's hot paths (BenchmarkDotNet 0.14, in-process toolchain).
//   dotnet run -c Release --project benchmarks/Micro                  all, default job
//   dotnet run -c Release --project benchmarks/Micro -- --quick       all, short job (~1 min)
//   dotnet run -c Release --project benchmarks/Micro -- --filter '*Emit*'
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();
if (!rest.Contains("--filter"))
{
    rest = [.. rest, "--filter", "*"];
}
var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(NetServer.Benchmarks.Micro.EmitBenchmarks).Assembly).Run(rest, config);
