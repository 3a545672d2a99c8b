/// A point in the plane (node coordinates, e.g. km east and north).
public struct PlanarPoint: Hashable, Sendable {
    /// Abscissa.
    public var x: Double
    /// Ordinate.
    public var y: Double

    /// The point (x, y).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// The Euclidean distance to `other`.
    public func distance(to other: PlanarPoint) -> Double {
        ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot()
    }
}

/// Planar convex hulls and the areas the cluster model needs.
public enum ConvexHull {
    /// The hull's vertices counter-clockwise from the lowest-leftmost point (Andrew's
    /// monotone chain); collinear and repeated points are dropped, so two distinct
    /// collinear extremes give a two-vertex "hull" and one point gives one vertex.
    public static func vertices(of points: [PlanarPoint]) -> [PlanarPoint] {
        let sorted = Array(Set(points)).sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: PlanarPoint, _ a: PlanarPoint, _ b: PlanarPoint) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var hull: [PlanarPoint] = []
        for p in sorted {
            while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        let lowerCount = hull.count + 1
        for p in sorted.reversed().dropFirst() {
            while hull.count >= lowerCount && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        hull.removeLast()  // the first point again
        return hull
    }

    /// The hull's area (shoelace); 0 for fewer than three non-collinear points.
    public static func area(of points: [PlanarPoint]) -> Double {
        let hull = vertices(of: points)
        guard hull.count > 2 else { return 0 }
        var twice = 0.0
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// The hull's perimeter; twice the length of a segment hull, 0 for a single point.
    public static func perimeter(of points: [PlanarPoint]) -> Double {
        let hull = vertices(of: points)
        guard hull.count > 1 else { return 0 }
        return hull.indices.reduce(0) { $0 + hull[$1].distance(to: hull[($1 + 1) % hull.count]) }
    }

    /// The area of the hull grown by a disc of `radius` (Steiner's formula, exact for convex
    /// sets): A + P r + pi r^2. Positive for one or two points whenever `radius` > 0.
    public static func bufferedArea(of points: [PlanarPoint], radius: Double) -> Double {
        area(of: points) + perimeter(of: points) * radius + Double.pi * radius * radius
    }
}
