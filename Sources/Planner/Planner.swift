/// The EV charging-station planner: case files, the built-in case and the coupled plan evaluation.
///
/// This file documents the module; the types live beside it.
enum PlannerModule {}
