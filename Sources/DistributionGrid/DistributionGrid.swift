/// Radial distribution feeders: a MATPOWER case reader and writer (``MatpowerCase``), the
/// feeder model with its switch-state topology (``Feeder``, ``RadialTree``), the exact
/// DistFlow power flow by backward/forward sweep and LinDistFlow (``DistFlowSolver``),
/// and the feeder investment cost of extra loads (``FeederInvestmentEvaluator``).
///
/// This file documents the module; the types live beside it.
enum DistributionGridModule {}
