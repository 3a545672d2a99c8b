import CClp
import CGLPK

/// The solver libraries' versions, for run metadata.
public enum LinearProgrammingVersions {
    public static var all: [String: String] {
        ["glpk": String(cString: glp_version()), "clp": clpVersion]
    }

    private static var clpVersion: String {
        guard let text = Clp_Version() else { return "unknown" }
        return String(cString: text)
    }
}
