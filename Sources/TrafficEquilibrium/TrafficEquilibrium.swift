/// Traffic networks (TNTP), the NdP user-equilibrium LP with EV range logic, and BPR user equilibrium.
///
/// This file documents the module; the types live beside it.
enum TrafficEquilibriumModule {}
