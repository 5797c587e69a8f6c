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
        let backends = Set(fleet.map(\.backend))
        #expect(backends == [.jasper, .tmus, .oneNCE, .tmsp, .intelsat])
        #expect(Set(fleet.map(\.status)) == ["INACTIVE", "ACTIVE", "SUSPENDED", "BLOCKED"])
        let satellites = fleet.filter { $0.connectivityType == .satellite }
        #expect(satellites.count > 50)
        #expect(satellites.allSatisfy { $0.subProducts == [.terminal, .usageVolumeData] && $0.id.hasPrefix("INTELSAT-") })
        #expect(fleet.contains { $0.backend.isAsynchronous } && fleet.contains { !$0.backend.isAsynchronous })
    }

    @Test func datesAreISO8601WithMilliseconds() {
        var generator = FleetGenerator(seed: 6)
        for product in generator.makeFleet(count: 100) {
            for name in ["dateAdded", "dateUpdated"] {
                let value = product.characteristic(name) ?? ""
                #expect(value.count == 24 && value.hasSuffix("Z") && value.dropFirst(10).first == "T", "\(name)=\(value)")
            }
            #expect((product.characteristic("dateActivated") ?? "").isEmpty == (product.status == "INACTIVE"))
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
