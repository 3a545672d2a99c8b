import Testing

@testable import Plotting

@Suite struct MarchingSquaresTests {
    @Test func planeGivesOneStraightContour() {
        let xs = [0.0, 1, 2], ys = [0.0, 1, 2]
        let values = ys.map { y in xs.map { x in x + y } }
        let lines = MarchingSquares.contours(xs: xs, ys: ys, values: values, level: 1.5)
        #expect(lines.count == 1)
        // Linear data: edge interpolation is exact, so every point lies on x + y = 1.5.
        for (x, y) in lines[0] { #expect(abs(x + y - 1.5) < 1e-12) }
        #expect(lines[0].count == 4)  // crosses 3 cells through 4 edges
    }

    @Test func coneGivesOneClosedLoop() {
        let grid = (0...40).map { -2 + Double($0) * 0.1 }
        let values = grid.map { y in grid.map { x in (x * x + y * y).squareRoot() } }
        let lines = MarchingSquares.contours(xs: grid, ys: grid, values: values, level: 1)
        #expect(lines.count == 1)
        let loop = lines[0]
        #expect(loop.first! == loop.last!)  // closed: the chain returns to its first crossing
        // Linear interpolation of a cone along grid edges: error below h²/(8r) ≈ 0.002.
        for (x, y) in loop { #expect(abs((x * x + y * y).squareRoot() - 1) < 0.003) }
    }

    @Test func saddleFollowsTheCentreValue() {
        // Corners: bottom-left and top-right high, the centre (mean 0.5) above level 0.4:
        // the high corners join, so the two lines cut off the low corners.
        let values: [[Double]] = [[1, 0], [0, 1]]
        let lines = MarchingSquares.contours(xs: [0, 1], ys: [0, 1], values: values, level: 0.4)
        #expect(lines.count == 2)
        let ends = Set(lines.map { line in [line.first!, line.last!].map { "\($0.0),\($0.1)" }.sorted().joined(separator: "|") })
        // Crossings: left edge y = 0.6, top edge x = 0.4, bottom edge x = 0.6, right edge y = 0.4.
        #expect(ends == ["0.0,0.6|0.4,1.0", "0.6,0.0|1.0,0.4"])
    }

    @Test func refinementIsBilinearAndKeepsTheSamples() {
        let values: [[Double]] = [[0, 4], [2, 10]]
        let fine = MarchingSquares.refined(xs: [0, 1], ys: [0, 2], values: values, factor: 2)
        #expect(fine.xs == [0, 0.5, 1] && fine.ys == [0, 1, 2])
        #expect(fine.values[0] == [0, 2, 4] && fine.values[2] == [2, 6, 10])
        #expect(fine.values[1][1] == 4)  // the centre of a bilinear cell is the corner mean
        // Contours of the refined grid bend with the bilinear surface (a hyperbola here):
        // at the middle row the 4-level crossing is at x = 0.5, not on the chord between
        // the edge crossings (x = 1 at y = 0 and x = 0.25 at y = 2, chord gives 0.625).
        let line = MarchingSquares.contours(xs: fine.xs, ys: fine.ys, values: fine.values, level: 4)[0]
        #expect(line.contains { abs($0.0 - 0.5) < 1e-12 && abs($0.1 - 1) < 1e-12 })
    }

    @Test func missingCornersSkipCells() {
        let values: [[Double]] = [[0, 1, 2], [0, .nan, 2], [0, 1, 2]]
        #expect(MarchingSquares.contours(xs: [0, 1, 2], ys: [0, 1, 2], values: values, level: 0.5).isEmpty)
    }
}

@Suite struct TreeLayoutTests {
    @Test func ieee33TrunkIsStraightAndNothingOverlaps() {
        let feeder = PlotSamples.feeder()
        let layout = feeder.layout
        // Buses 1..18 (indices 0...17) form the trunk on row 0.
        for bus in 0..<18 {
            #expect(layout.row[bus] == 0)
            #expect(layout.column[bus] == bus)
        }
        let positions = Set(zip(layout.column, layout.row).map { "\($0),\($1)" })
        #expect(positions.count == 33)
        // Each lateral lies on one row: 19-22, 23-25, 26-33.
        for lateral in [18...21, 22...24, 25...32] {
            #expect(Set(lateral.map { layout.row[$0] }).count == 1)
            #expect(layout.row[lateral.lowerBound] != 0)
        }
        // Tree = the 32 normally closed branches; the 5 ties are drawn separately.
        #expect(layout.treeBranches == Set(0..<32))
        #expect(layout.parent[0] == nil && layout.parent[18] == 1)
    }

    @Test func disconnectedBusesGetTheirOwnRows() {
        let layout = TreeLayout(busCount: 4, branches: [(0, 1, false), (2, 3, false)], root: 0)
        #expect(layout.row[0] == layout.row[1])
        #expect(layout.row[2] == layout.row[3])
        #expect(layout.row[2] > layout.row[0])
    }
}
