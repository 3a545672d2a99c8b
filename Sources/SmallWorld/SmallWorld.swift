/// Small-world graph metrics, traffic-density clusters, long-range connections and the cluster utility of seed 003 section IV.
///
/// This file documents the module; the types live beside it.
enum SmallWorldModule {}
