/// Traffic networks and assignment for the planner, generic over networks and demand:
///
/// - ``TNTP``: strict readers and writers of the public test-network formats; ``TrafficNetwork``
///   (directed arcs in compact adjacency, zones, first-thru-node rule) and ``Demand``.
/// - ``ShortestPathEngine`` (Dijkstra, binary heap), Yen's k loopless paths
///   (``TrafficNetwork/kShortestPaths(from:to:k:cost:)``), and the EV range logic
///   (``EVRangeModel``, ``RangeConstrainedPathEngine``) of seed 003 eqs. 15-19.
/// - ``UserEquilibrium``: BPR user equilibrium (bi-conjugate Frank-Wolfe, path-based gradient
///   projection) with per-arc speed multipliers.
/// - ``NdPProblem`` / ``NdPSolver``: the NdP user-equilibrium LP with two vehicle classes,
///   lanes, spots and station service, exact over all loopless routes, warm between plans;
///   ``MaxDemandScale`` for λ*.
///
/// See docs/traffic.md for the models, units and reference results.
enum TrafficEquilibriumModule {}
