import Foundation
import InputParsing
import Restoration
import Testing

@testable import Planner

/// A minimal valid manifest; tests replace one line to make it malformed.
let minimalManifest = """
    {
      "format": "ev-planner-case/1",
      "name": "t",
      "traffic": { "network": "n.tntp", "trips": "t.tntp", "ev_share": 0.3 },
      "ev": { "range": "62.1371192 mi" },
      "stations": { "candidates": "c.csv", "station_cost": "0.2 MUSD", "power_per_spot": 50 },
      "feeder": { "matpower": "f.m", "substation_capacity": "6 MVA" },
      "planning": { "budget": "12 M$" },
      "restoration": {
        "generators": "g.csv", "profiles": "p.csv", "load_classes": "l.csv",
        "bus_classes": "b.csv", "scenarios": "s.csv", "ties_switchable": false
      }
    }
    """

@Suite struct CaseManifestTests {
    @Test func readsQuantitiesWithUnits() throws {
        let manifest = try CaseManifest(text: minimalManifest, file: "case.json")
        let p = manifest.parameters
        #expect(manifest.name == "t")
        #expect(p.evShare == 0.3)
        #expect(abs(p.evRangeKm - 100) < 1e-6)
        #expect(abs(p.stationCostUSD - 200_000) < 1e-6)
        #expect(p.powerPerSpotKW == 50)
        #expect(p.substationCapacityKVA == 6000)
        #expect(p.budgetUSD == 12e6)
        #expect(p.tiesSwitchable == false)
        // Untouched keys keep seed 003's defaults.
        #expect(p.spotCostUSD == 3160)
        #expect(p.maxSpotsPerStation == 200)
    }

    /// Each malformed manifest must be rejected with the field path and the key's line.
    @Test(arguments: [
        (#""ev_share": 0.3"#, #""ev_shar": 0.3"#, "traffic.ev_shar", "did you mean \"ev_share\""),
        (#""range": "62.1371192 mi""#, #""range": "100 furlongs""#, "ev.range", "unknown unit \"furlongs\""),
        (#""ev_share": 0.3"#, #""ev_share": 1.3"#, "traffic.ev_share", "expected a value in 0.0...1.0"),
        (#""station_cost": "0.2 MUSD""#, #""station_cost": "lots""#, "stations.station_cost", "expected a number with a unit"),
        (#""ties_switchable": false"#, #""ties_switchable": 0"#, "restoration.ties_switchable", "expected true or false"),
        (#""power_per_spot": 50"#, #""power_per_spot": true"#, "stations.power_per_spot", "expected a number"),
        (#""matpower": "f.m", "#, "", "feeder.matpower", "required field is missing"),
    ])
    func malformedManifestsNameTheirField(original: String, replacement: String, field: String, message: String) {
        let text = minimalManifest.replacingOccurrences(of: original, with: replacement)
        #expect(text != minimalManifest)
        do {
            _ = try CaseManifest(text: text, file: "case.json")
            Issue.record("expected an error for \(field)")
        } catch {
            #expect(error.file == "case.json")
            #expect(error.field == field)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// The storm model of scenario generation is part of the case; unset keys keep the
    /// documented defaults, medians become log means.
    @Test func readsTheHazardSection() throws {
        let text = minimalManifest.replacingOccurrences(
            of: #""ties_switchable": false"#,
            with: #""ties_switchable": false, "hazard": { "wind_scale": "108 km/h", "conductor": { "median": "60 m/s" }, "#
                + #""flood_median": "40 cm", "start_hour": 6 }"#)
        let h = try CaseManifest(text: text, file: "case.json").parameters.hazard
        #expect(abs(h.windScale - 30) < 1e-9)
        #expect(abs(h.conductor.logMean - log(60)) < 1e-12)
        #expect(h.conductor.critical == 25 && h.tower == StormHazard().tower)
        #expect(abs(h.floodLogMean - log(0.4)) < 1e-12)
        #expect(h.startHour == 6 && h.durationHours == 8)

        let bad = minimalManifest.replacingOccurrences(
            of: #""ties_switchable": false"#,
            with: #""ties_switchable": false, "hazard": { "bus": { "critical": "3 m", "maximum": "2 m" } }"#)
        #expect(throws: InputError.self) { try CaseManifest(text: bad, file: "case.json") }
        let unknown = minimalManifest.replacingOccurrences(
            of: #""ties_switchable": false"#, with: #""ties_switchable": false, "hazard": { "wind_scal": 30 }"#)
        do {
            _ = try CaseManifest(text: unknown, file: "case.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "restoration.hazard.wind_scal")
        }
    }

    @Test func lineOfTheOffendingKeyIsReported() {
        let text = minimalManifest.replacingOccurrences(of: "\"6 MVA\"", with: "\"6 GVA\"")
        do {
            _ = try CaseManifest(text: text, file: "case.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 7)
        }
    }

    @Test func invalidJSONIsReported() {
        do {
            _ = try CaseManifest(text: "{ \"format\": ", file: "broken.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "broken.json")
            #expect(error.message.hasPrefix("not valid JSON"))
        }
    }
}
