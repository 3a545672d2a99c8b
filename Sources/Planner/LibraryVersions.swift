import LinearProgramming

/// Versions of the package and the C libraries, recorded in every run's metadata.
public enum LibraryVersions {
    /// This package's version.
    public static let package = "0.1.0"

    /// Package and library versions by name.
    public static var all: [String: String] {
        var versions = ["planner": package]
        for (name, version) in LinearProgrammingVersions.all { versions[name] = version }
        return versions
    }
}
