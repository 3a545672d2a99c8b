/// Publication-quality charts drawn with Cairo and written as PNG with metadata.
///
/// The figures live in ``Plot`` (one function per kind, each taking plain data and
/// returning a ``Raster``); ``Raster/writePNG(to:metadata:)`` saves them with `tEXt`
/// entries. Internals: `Canvas` (Cairo surface, text, markers), `Axis`/`Axes2D`
/// (ticks, labels, frames), `Legend`, `Occupancy` (legend placement), `ColorBar`,
/// `TreeLayout` (feeder drawing) and `MarchingSquares` (contours). See docs/plotting.md.
enum PlottingModule {}
