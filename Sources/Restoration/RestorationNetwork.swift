import InputParsing

/// The feeder as the restoration model sees it: buses with peak loads and a load class,
/// branches with series impedance, the voltage band and the substation bus.
///
/// A plain input with no dependency on the DistributionGrid module; the planner adapts
/// its feeder to it. Branch data are in ohms and loads in kW/kVAr, so nothing depends on
/// a per-unit base except the squared-voltage drop, which uses ``baseKV``.
public struct RestorationNetwork: Sendable, Equatable {
    /// One bus and the load it carries at the peak of its class profile.
    public struct Bus: Sendable, Equatable {
        /// Bus id as in the case.
        public var id: Int
        /// Peak active load, kW (>= 0).
        public var activePowerKW: Double
        /// Peak reactive load, kVAr (either sign); scaled by the same hourly shape as P.
        public var reactivePowerKVAr: Double
        /// The class giving the VOLL weight and hourly shape; required when the bus has load.
        public var loadClass: LoadClass?

        /// A bus with its peak load and class.
        public init(id: Int, activePowerKW: Double, reactivePowerKVAr: Double, loadClass: LoadClass?) {
            self.id = id
            self.activePowerKW = activePowerKW
            self.reactivePowerKVAr = reactivePowerKVAr
            self.loadClass = loadClass
        }
    }

    /// One branch (line or switch) between two buses.
    public struct Branch: Sendable, Equatable {
        /// End bus ids.
        public var from: Int
        public var to: Int
        /// Series resistance and reactance, ohms.
        public var resistanceOhm: Double
        public var reactanceOhm: Double
        /// A normally open tie switch (closable during restoration only if the options allow it).
        public var isTie: Bool
        /// Apparent-power rating, kVA, or `nil` for none.
        public var ratingKVA: Double?

        /// A branch; ties are normally open.
        public init(
            from: Int, to: Int, resistanceOhm: Double, reactanceOhm: Double, isTie: Bool = false,
            ratingKVA: Double? = nil
        ) {
            self.from = from
            self.to = to
            self.resistanceOhm = resistanceOhm
            self.reactanceOhm = reactanceOhm
            self.isTie = isTie
            self.ratingKVA = ratingKVA
        }

        /// The branch's end buses as an unordered pair.
        public var ends: BusPair { BusPair(from, to) }
    }

    /// Buses and branches of the feeder.
    public var buses: [Bus]
    public var branches: [Branch]
    /// Line-to-line base voltage, kV.
    public var baseKV: Double
    /// Lowest allowed voltage magnitude, pu.
    public var minVoltagePU: Double
    /// Highest allowed voltage magnitude, pu; a grid-forming source may set any voltage in the band.
    public var maxVoltagePU: Double
    /// The substation bus; cut off in every fault scenario.
    public var substationBus: Int

    /// Builds a network and checks it (see ``validate()``).
    public init(
        buses: [Bus], branches: [Branch], baseKV: Double, minVoltagePU: Double, maxVoltagePU: Double,
        substationBus: Int
    ) throws(InputError) {
        self.buses = buses
        self.branches = branches
        self.baseKV = baseKV
        self.minVoltagePU = minVoltagePU
        self.maxVoltagePU = maxVoltagePU
        self.substationBus = substationBus
        try validate()
    }

    /// Checks ids, references, signs and the voltage band.
    public func validate() throws(InputError) {
        let source = "restoration network"
        var seen = Set<Int>()
        for bus in buses {
            guard seen.insert(bus.id).inserted else {
                throw InputError(file: source, field: "bus \(bus.id)", "bus id appears twice")
            }
            guard bus.activePowerKW.isFinite, bus.activePowerKW >= 0, bus.reactivePowerKVAr.isFinite else {
                throw InputError(file: source, field: "bus \(bus.id)", "expected finite loads with P >= 0")
            }
            if (bus.activePowerKW > 0 || bus.reactivePowerKVAr != 0) && bus.loadClass == nil {
                throw InputError(file: source, field: "bus \(bus.id)", "a bus with load needs a load class")
            }
        }
        for branch in branches {
            let label = "branch \(branch.from)-\(branch.to)"
            guard seen.contains(branch.from), seen.contains(branch.to), branch.from != branch.to else {
                throw InputError(file: source, field: label, "expected two distinct known buses")
            }
            guard branch.resistanceOhm.isFinite, branch.resistanceOhm >= 0, branch.reactanceOhm.isFinite,
                branch.reactanceOhm >= 0
            else {
                throw InputError(file: source, field: label, "expected finite r >= 0 and x >= 0 in ohms")
            }
            if let rating = branch.ratingKVA, !(rating > 0 && rating.isFinite) {
                throw InputError(file: source, field: label, "expected a positive rating in kVA or none")
            }
        }
        guard baseKV > 0, baseKV.isFinite else {
            throw InputError(file: source, field: "base_kv", "expected a positive base voltage, found \(baseKV)")
        }
        guard minVoltagePU > 0, minVoltagePU < maxVoltagePU, maxVoltagePU.isFinite else {
            throw InputError(
                file: source, field: "voltage band", "expected 0 < v_min < v_max, found \(minVoltagePU)-\(maxVoltagePU)")
        }
        guard seen.contains(substationBus) else {
            throw InputError(file: source, field: "substation", "substation bus \(substationBus) is not a bus")
        }
    }
}

/// How load is picked up in each hour.
public enum PickupMode: String, Sendable, CaseIterable {
    /// All or nothing per bus and hour (the reference model).
    case binary
    /// Any fraction per bus and hour (a relaxation, and a variant of the reference).
    case continuous
}

/// Modelling switches of the restoration problem.
public struct RestorationOptions: Sendable, Equatable {
    /// Whether normally open tie switches may close.
    public var tiesSwitchable: Bool
    /// Binary or continuous load pickup.
    public var pickup: PickupMode

    /// The reference setting: ties switchable, binary pickup.
    public init(tiesSwitchable: Bool = true, pickup: PickupMode = .binary) {
        self.tiesSwitchable = tiesSwitchable
        self.pickup = pickup
    }
}

/// Everything the restoration model needs besides the fault scenario and the stations:
/// the feeder, its distributed generators, the fleet each station hosts and the options.
public struct RestorationSystem: Sendable, Equatable {
    /// The feeder.
    public var network: RestorationNetwork
    /// Distributed generators on it.
    public var generators: [DistributedGenerator]
    /// The fleet parked at every built station (one fleet per station).
    public var fleet: FleetSpec
    /// Ties and pickup options.
    public var options: RestorationOptions

    /// Builds a system and checks that every generator sits on a bus of the network.
    public init(
        network: RestorationNetwork, generators: [DistributedGenerator], fleet: FleetSpec,
        options: RestorationOptions = RestorationOptions()
    ) throws(InputError) {
        self.network = network
        self.generators = generators
        self.fleet = fleet
        self.options = options
        let ids = Set(network.buses.map(\.id))
        for generator in generators {
            guard ids.contains(generator.bus) else {
                throw InputError(
                    file: "restoration generators", field: generator.name,
                    "generator bus \(generator.bus) is not a bus of the network")
            }
            guard generator.maxActivePowerKW >= 0, generator.maxReactivePowerKVAr >= 0 else {
                throw InputError(file: "restoration generators", field: generator.name, "expected limits >= 0")
            }
        }
        guard fleet.vehiclesPerStation >= 0, fleet.powerPerVehicleKW >= 0, fleet.energyPerVehicleKWh >= 0,
            (0...1).contains(fleet.usableShare), fleet.maxReactivePowerKVAr >= 0,
            fleet.dischargeEfficiency > 0, fleet.dischargeEfficiency <= 1
        else {
            throw InputError(file: "restoration fleet", "expected non-negative fleet data, shares in [0, 1]")
        }
    }

    /// The same system with other options.
    public func with(_ options: RestorationOptions) -> RestorationSystem {
        var copy = self
        copy.options = options
        return copy
    }
}
