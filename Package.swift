// swift-tools-version:6.0
// The EV charging-station planner: NSGA-III over coupled traffic and power networks.
import PackageDescription

let package = Package(
    name: "EVChargingPlanner",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "planner", targets: ["PlannerCLI"]),
        .library(name: "NSGA3", targets: ["NSGA3"]),
        .library(name: "TrafficEquilibrium", targets: ["TrafficEquilibrium"]),
        .library(name: "SmallWorld", targets: ["SmallWorld"]),
        .library(name: "DistributionGrid", targets: ["DistributionGrid"]),
        .library(name: "Restoration", targets: ["Restoration"]),
        .library(name: "Planner", targets: ["Planner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries (Debian packages; see README "System libraries").
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CClp", pkgConfig: "clp", providers: [.apt(["coinor-libclp-dev"])]),
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),  // Debian ships no glpk.pc
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),  // planner sweep under mpirun
        // libpng reports errors by longjmp, which Swift cannot catch: the write lives in C.
        .target(name: "CPngWriter", dependencies: ["CPNG"]),
        // The fast restoration evaluator's voltage pass for AVX-512 and AVX2, picked at run
        // time (the package is built for baseline x86-64); bit-identical to the Swift loop.
        .target(name: "CVoltagePass"),

        // Shared plumbing.
        .target(name: "InputParsing"),
        .target(name: "LinearProgramming", dependencies: ["CClp", "CGLPK"]),

        // Generic engines: none of them knows about the planner.
        .target(name: "NSGA3"),
        .target(name: "SmallWorld", dependencies: ["CGSL"]),
        .target(name: "TrafficEquilibrium", dependencies: ["InputParsing", "LinearProgramming"]),
        .target(name: "DistributionGrid", dependencies: ["InputParsing", "LinearProgramming"]),
        .target(name: "Restoration", dependencies: ["DistributionGrid", "LinearProgramming", "InputParsing", "CGSL", "CVoltagePass"]),
        .target(name: "Plotting", dependencies: ["CCairo", "CPngWriter"]),

        // Composition and the command line.
        .target(
            name: "Planner",
            dependencies: [
                "InputParsing", "LinearProgramming", "NSGA3", "SmallWorld",
                "TrafficEquilibrium", "DistributionGrid", "Restoration", "Plotting",
            ],
            resources: [.copy("BuiltInCase")]
        ),
        .executableTarget(
            name: "PlannerCLI",
            dependencies: [
                "Planner", "InputParsing", "LinearProgramming", "NSGA3", "SmallWorld",
                "TrafficEquilibrium", "DistributionGrid", "Restoration", "Plotting", "CMPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "InputParsingTests", dependencies: ["InputParsing"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "NSGA3Tests", dependencies: ["NSGA3"]),
        .testTarget(name: "SmallWorldTests", dependencies: ["SmallWorld"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TrafficEquilibriumTests", dependencies: ["TrafficEquilibrium", "LinearProgramming"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DistributionGridTests", dependencies: ["DistributionGrid"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RestorationTests", dependencies: ["Restoration", "DistributionGrid"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"], exclude: ["Golden"]),  // read via #filePath
        .testTarget(name: "PlannerTests", dependencies: ["Planner"], resources: [.copy("Fixtures")]),
    ]
)
