/// Post-fault restoration by microgrid formation with DGs and fleet EVs, and fault scenarios from fragility curves.
///
/// This file documents the module; the types live beside it.
enum RestorationModule {}
