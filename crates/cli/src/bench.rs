//! `benk bench`: audited writes over HTTP next to the raw database rate.

/// Benchmark options.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {}

/// Runs the benchmark.
pub async fn run(_args: BenchArgs) -> anyhow::Result<i32> {
    anyhow::bail!("not yet")
}
