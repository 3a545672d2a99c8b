/// Small-world graph metrics, traffic-density clusters, long-range connections and the cluster utility of seed 003 section IV.
///
/// Entry points: `Graph` (metrics, `smallWorldCoefficients`), `Louvain`, `ClusterModel`
/// (D, kappa, long-range links, Z2 and its violations, cluster travel times) and
/// `StationAccessModel` (distance to the nearest station). Definitions and choices:
/// `docs/smallworld.md`.
enum SmallWorldModule {}
