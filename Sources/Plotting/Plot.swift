/// The figures: each function takes plain data and returns the rendered ``Raster``,
/// which ``Raster/writePNG(to:metadata:)`` saves with metadata.
///
/// Rendering is deterministic: the same data, style and fonts give the same pixels.
public enum Plot {}
