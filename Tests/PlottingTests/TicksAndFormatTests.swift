import Testing

@testable import Plotting

@Suite struct TicksAndFormatTests {
    @Test func niceStepsFollowOneTwoFive() {
        #expect(Ticks.niceStep(atLeast: 0.13) == 0.2)
        #expect(Ticks.niceStep(atLeast: 3) == 5)
        #expect(Ticks.niceStep(atLeast: 7) == 10)
        #expect(Ticks.niceStep(atLeast: 1) == 1)
        #expect(Ticks.niceStep(atLeast: 2.000000000001) == 2)  // rounding noise stays on 2
        #expect(Ticks.niceStep(atLeast: 45_000) == 50_000)
    }

    @Test func linearTicksUseTheFinestStepThatFits() {
        let (values, step) = Ticks.linear(0, 10, maxCount: 6)
        #expect(values == [0, 2, 4, 6, 8, 10])
        #expect(step == 2)
        // 22k..362k with room for 3 ticks: 100k steps (3 ticks), not 200k (1 tick).
        #expect(Ticks.linear(22_000, 362_000, maxCount: 3).values == [100_000, 200_000, 300_000])
        // Multiples are computed, not accumulated: no 0.30000000000000004.
        #expect(Ticks.linear(0, 0.5, maxCount: 6).values == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
        #expect(Ticks.linear(0.5, 7.5, maxCount: 10, integerOnly: true).values == [1, 2, 3, 4, 5, 6, 7])
        // Hour steps on a minute axis: 0, 60, 120, 180, 240.
        #expect(Ticks.linear(0, 250, maxCount: 5, unit: 60).values == [0, 60, 120, 180, 240])
    }

    @Test func logTicks() {
        #expect(Ticks.logarithmic(0.002, 0.7, maxCount: 10) == [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5])
        #expect(Ticks.logarithmic(0.002, 0.7, maxCount: 5) == [0.003, 0.01, 0.03, 0.1, 0.3])
        // Little room: still two powers of ten, never linear labels on a log axis.
        #expect(Ticks.logarithmic(0.002, 0.7, maxCount: 2) == [0.01, 0.1])
        #expect(Ticks.logarithmic(1, 1e8, maxCount: 5) == [1, 100, 10_000, 1_000_000, 100_000_000])
        #expect(Ticks.logarithmic(2, 8, maxCount: 5) == [2, 5])  // inside one decade
        #expect(Ticks.logMinor(1, 10, major: [1, 10]) == [2, 3, 4, 5, 6, 7, 8, 9])
    }

    @Test func currencyUsesOnePrefixAndDecimalsPerAxis() {
        let cost = Quantity(name: "Investment cost", format: .currency("$"), preference: .lowerIsBetter)
        let labels = Formatting.labels(for: cost, ticks: [0, 500_000, 1_000_000, 1_500_000], step: 500_000, placement: .ticks)
        #expect(labels.ticks == ["0.0 M$", "0.5 M$", "1.0 M$", "1.5 M$"])
        #expect(labels.title == "Investment cost\u{00A0}\u{2193}")
        let compact = Formatting.labels(for: cost, ticks: [2e6, 4e6, 6e6], step: 2e6, placement: .axisTitle)
        #expect(compact.ticks == ["2", "4", "6"])
        #expect(compact.title == "Investment cost [M$]\u{00A0}\u{2193}")
        #expect(Formatting.single(3_200_000, cost) == "3.2 M$")
        #expect(Formatting.single(450_000, Quantity(name: "Value", unit: "/yr", format: .currency("$"))) == "450 k$/yr")
    }

    @Test func siMinutesPercentAndPlain() {
        let power = Quantity(name: "Load", unit: "W", format: .si)
        #expect(Formatting.single(4_500, power) == "4.5 kW")
        #expect(Formatting.single(0.0025, power) == "2.5 mW")
        let minutes = Quantity(name: "Travel time", format: .minutes)
        #expect(Formatting.labels(for: minutes, ticks: [0, 30, 60, 90], step: 30, placement: .ticks).ticks == ["0 min", "30 min", "60 min", "90 min"])
        #expect(Formatting.labels(for: minutes, ticks: [0, 90, 180], step: 90, placement: .ticks).ticks == ["0.0 h", "1.5 h", "3.0 h"])
        let share = Quantity(name: "Growth", format: .fractionAsPercent)
        #expect(Formatting.labels(for: share, ticks: [0, 0.1, 0.2], step: 0.1, placement: .ticks).ticks == ["0%", "10%", "20%"])
        #expect(Formatting.single(20, Quantity(name: "Growth", format: .percent)) == "20%")
        let plain = Quantity(name: "Flow", unit: "veh/h")
        let labels = Formatting.labels(for: plain, ticks: [-5_000, 0, 5_000, 10_000, 15_000], step: 5_000, placement: .ticks)
        #expect(labels.ticks == ["\u{2212}5000", "0", "5000", "10,000", "15,000"])
        #expect(labels.title == "Flow [veh/h]")
        #expect(Formatting.number(1.5e-4, decimals: 0, plainStyle: true) == "1.5×10⁻⁴")
        #expect(Formatting.number(1e12, decimals: 0, plainStyle: true) == "10¹²")
        #expect(Formatting.number(-0.0001, decimals: 2, plainStyle: false) == "0.00")  // no "−0.00"
    }

    @Test func logLabelsCarryTheirOwnDecimals() {
        let igd = Quantity(name: "IGD")
        #expect(Formatting.logLabels(for: igd, ticks: [0.01, 0.1, 1, 10], placement: .ticks).ticks == ["0.01", "0.1", "1", "10"])
    }

    @Test func viewRangesPadAndWidenDegenerateData() {
        let (lo, hi) = Axis.viewRange(0, 10, scale: .linear)
        #expect(abs(lo + 0.5) < 1e-12 && abs(hi - 10.5) < 1e-12)
        #expect(Axis.viewRange(5, 5, scale: .linear) == (4.5, 5.5))
        #expect(Axis.viewRange(0, 0, scale: .linear) == (-1, 1))
        #expect(Axis.viewRange(3, 3, scale: .logarithmic) == (1.5, 6))
    }
}
