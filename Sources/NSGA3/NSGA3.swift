/// Many-objective evolutionary optimisation: NSGA-III (Deb & Jain 2014) with NSGA-II and SPEA2 baselines and quality indicators. Generic over the problem.
///
/// This file documents the module; the types live beside it.
enum NSGA3Module {}
