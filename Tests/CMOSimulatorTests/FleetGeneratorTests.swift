import CMOClient
import Testing

@testable import CMOSimulator

@Suite struct FleetGeneratorTests {
    @Test func sameSeedGivesTheSameFleetByteForByte() {
        var first = FleetGenerator(seed: 42)
        var second = FleetGenerator(seed: 42)
        let a = first.makeFleet(count: 300).map { RenderedProduct($0).bundle }
        let b = second.makeFleet(count: 300).map { RenderedProduct($0).bundle }
        #expect(a == b)
    }

    @Test func differentSeedsGiveDifferentFleets() {
        var first = FleetGenerator(seed: 1)
        var second = FleetGenerator(seed: 2)
        #expect(first.makeFleet(count: 50).map(\.id) != second.makeFleet(count: 50).map(\.id))
    }

    @Test func iccidsAreNineteenOrTwentyDigitsStartingWith89AndLuhnValid() {
        var generator = FleetGenerator(seed: 3)
        let cellular = generator.makeFleet(count: 500).filter { $0.connectivityType == .cellular }
        #expect(!cellular.isEmpty)
        for product in cellular {
            let iccid = product.identifier
            #expect(iccid.hasPrefix("89"))
            #expect(iccid.count == 19 || iccid.count == 20)
            #expect(Luhn.isValid(iccid), "ICCID \(iccid)")
            #expect(product.characteristic("ICCID") == iccid)
            #expect(product.id == "\(product.backend.rawValue)-\(iccid)")
            let imsi = product.characteristic("IMSI") ?? ""
            #expect(imsi.count == 15 && imsi.allSatisfy(\.isNumber))
            let msisdn = product.characteristic("MSISDN") ?? ""
            #expect((11...15).contains(msisdn.count) && msisdn.allSatisfy(\.isNumber))
            let imei = product.characteristic("imei") ?? ""
            if !imei.isEmpty {
                #expect(imei.count == 15 && Luhn.isValid(imei), "IMEI \(imei)")
            }
        }
    }

    @Test func identifiersAreUnique() {
        var generator = FleetGenerator(seed: 4)
        let fleet = generator.makeFleet(count: 2000)
        #expect(Set(fleet.map(\.id)).count == fleet.count)
        #expect(Set(fleet.map(\.identifier)).count == fleet.count)
    }

    @Test func fleetMixesBackendsStatusesAndASatelliteShare() {
        var generator = FleetGenerator(seed: 5)
        let fleet = generator.makeFleet(count: 1000)
        let backends = Set(fleet.map(\.backend.rawValue))
        #expect(backends == Set(BackendCatalogue.standard.names))
        let satellites = fleet.filter { $0.connectivityType == .satellite }
        #expect(satellites.count > 50)
        #expect(satellites.allSatisfy {
            $0.subProducts == [.terminal, .usageVolumeData] && ($0.id.hasPrefix("INTELSAT-") || $0.id.hasPrefix("GALAXY1-"))
        })
        let asynchronous = fleet.map { BackendCatalogue.standard.profile(named: $0.backend.rawValue)?.isAsynchronous }
        #expect(asynchronous.contains(true) && asynchronous.contains(false) && !asynchronous.contains(nil))
        // INACTIVE cellular SIMs stay plentiful on synchronous and asynchronous backends (the benchmarks activate them).
        let inactive = fleet.filter { $0.status == "INACTIVE" && $0.connectivityType == .cellular }
        let inactiveAsync = inactive.filter { BackendCatalogue.standard.profile(named: $0.backend.rawValue)?.isAsynchronous == true }
        #expect(inactive.count > 250 && inactiveAsync.count > 100 && inactive.count - inactiveAsync.count > 100)
    }

    @Test func statusesAreThoseOfEachBackend() throws {
        var generator = FleetGenerator(seed: 8)
        let fleet = generator.makeFleet(count: 3000)
        for name in BackendCatalogue.standard.names {
            let profile = try #require(BackendCatalogue.standard.profile(named: name))
            let allowed = Set(FleetGenerator.statuses(of: profile).map(\.0))
            let seen = Set(fleet.filter { $0.backend.rawValue == name }.map(\.status))
            #expect(!seen.isEmpty && seen.isSubset(of: allowed), "\(name): \(seen.sorted()) not within \(allowed.sorted())")
        }
        #expect(Set(fleet.filter { $0.backend == .oneNCE }.map(\.status)) == ["ACTIVE", "SUSPENDED"])
        #expect(Set(fleet.filter { $0.backend == .jasper }.map(\.status)).isSuperset(of: ["CREATED", "INVENTORY", "INACTIVE"]))
        #expect(!fleet.contains { $0.backend == .jasper && $0.status == "BLOCKED" })
        #expect(fleet.contains { $0.backend == .tmus && $0.status == "BLOCKED" })
        // The overall mix: about a third INACTIVE, two fifths ACTIVE.
        let inactiveShare = Double(fleet.filter { $0.status == "INACTIVE" }.count) / Double(fleet.count)
        let activeShare = Double(fleet.filter { $0.status == "ACTIVE" }.count) / Double(fleet.count)
        #expect((0.25...0.40).contains(inactiveShare) && (0.35...0.55).contains(activeShare), "\(inactiveShare) \(activeShare)")
    }

    @Test func aBackendAddedByAFileGetsProducts() throws {
        let catalogue = try BackendCatalogue.standard.overridden(byTOML: "[backends.ACME]\nasynchronous = true\n")
        var generator = FleetGenerator(seed: 5, backends: catalogue)
        #expect(generator.makeFleet(count: 1000).contains { $0.backend.rawValue == "ACME" })
    }

    @Test func datesAreISO8601WithMilliseconds() {
        var generator = FleetGenerator(seed: 6)
        for product in generator.makeFleet(count: 200) {
            let names = product.connectivityType == .cellular ? ["dateAdded", "dateUpdated"] : ["lastUpdated"]
            for name in names {
                let value = product.characteristic(name) ?? ""
                #expect(value.count == 24 && value.hasSuffix("Z") && value.dropFirst(10).first == "T", "\(name)=\(value)")
                #expect(Timestamp.parse(value).map { Timestamp.iso8601(millis: $0) } == value)
            }
            if product.connectivityType == .cellular {
                #expect((product.characteristic("dateActivated") ?? "").isEmpty == ["INACTIVE", "CREATED", "INVENTORY"].contains(product.status))
            }
        }
    }

    @Test func timestampsFormatKnownInstants() {
        #expect(Timestamp.iso8601(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(millis: 1_686_631_396_519) == "2023-06-13T04:43:16.519Z")
        #expect(Timestamp.millis(year: 2020, month: 2, day: 29, hour: 12) == 1_582_977_600_000)
    }

    @Test func luhnMatchesKnownNumbers() {
        #expect(Luhn.isValid("79927398713"))
        #expect(!Luhn.isValid("79927398710"))
        #expect(Luhn.complete("7992739871") == "79927398713")
    }
}
