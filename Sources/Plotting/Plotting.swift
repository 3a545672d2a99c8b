/// Publication-quality charts drawn with Cairo and written as PNG with metadata.
///
/// This file documents the module; the types live beside it.
enum PlottingModule {}
