/// Radial distribution feeders (MATPOWER), exact DistFlow and LinDistFlow power flow, and feeder investment cost.
///
/// This file documents the module; the types live beside it.
enum DistributionGridModule {}
