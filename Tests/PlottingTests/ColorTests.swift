import Testing

@testable import Plotting

@Suite struct ColorTests {
    @Test func colorMapEndpointsMatchThePublishedTables() {
        func hex(_ c: Color) -> UInt32 {
            UInt32((c.red * 255).rounded()) << 16 | UInt32((c.green * 255).rounded()) << 8 | UInt32((c.blue * 255).rounded())
        }
        #expect(hex(ColorMap.viridis.color(at: 0)) == 0x440154)
        #expect(hex(ColorMap.viridis.color(at: 1)) == 0xFDE725)
        #expect(hex(ColorMap.viridis.color(at: 128.0 / 255)) == 0x21918C)  // table entry 128
        #expect(hex(ColorMap.viridis.color(at: 0.5)) == 0x21918D)  // halfway between 0x21908D and 0x21918C
        #expect(hex(ColorMap.cividis.color(at: 0)) == 0x00224E)
        #expect(hex(ColorMap.cividis.color(at: 1)) == 0xFEE838)
        #expect(viridisTable.count == 256 && cividisTable.count == 256)
    }

    /// Sequential maps must get lighter monotonically, so order reads without a key.
    @Test(arguments: ColorMap.allCases) func luminanceIncreasesMonotonically(_ map: ColorMap) {
        var previous = -1.0
        for k in 0...64 {
            let l = map.color(at: Double(k) / 64).luminance
            #expect(l > previous, "luminance falls at t = \(Double(k) / 64)")
            previous = l
        }
    }

    @Test func outOfRangeAndMissingValues() {
        #expect(ColorMap.viridis.color(at: -3) == ColorMap.viridis.color(at: 0))
        #expect(ColorMap.viridis.color(at: 7) == ColorMap.viridis.color(at: 1))
        #expect(ColorMap.viridis.color(at: .nan) == Color.gray(0.6))
    }

    @Test func okabeItoPaletteIsDistinctAndCycles() {
        #expect(Set(CategoricalPalette.okabeIto).count == 8)
        #expect(CategoricalPalette.color(0) == Color(hex: 0x0072B2))
        #expect(CategoricalPalette.color(8) != CategoricalPalette.color(0))  // lighter tint, still a colour
        #expect(CategoricalPalette.color(-1) == CategoricalPalette.okabeIto[7])
    }
}
