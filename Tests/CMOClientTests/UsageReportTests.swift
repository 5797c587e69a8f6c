import Testing

@testable import CMOClient

/// `UsageReport` reads both value shapes the backends write, with bytes as integers.
@Suite struct UsageReportTests {
    func parse(_ text: String) throws -> UsageReport? {
        UsageReport(parsing: try JSONValue(parsing: text))
    }

    @Test func tmspStringsWithUnitsForThePeriodAndTheLastDay() throws {
        let report = try #require(try parse("""
            {"id":"TMSP-1-usageVolume-data","bucketCounter":[
              {"valueName":"dataUsage","usageType":"DATA","counterType":"USED","periodType":"BILLING_PERIOD",
               "value":"1401626.776576 KB","consumptionPeriod":{"startDateTime":"2026-12-01T00:00:00Z","endDateTime":"2026-12-31T23:59:59Z"}},
              {"valueName":"dataLimit","usageType":"DATA","counterType":"LIMIT","periodType":"BILLING_PERIOD","value":"2 GB"},
              {"valueName":"smsUsage","usageType":"SMS","counterType":"USED","periodType":"BILLING_PERIOD","value":"12 SMS"},
              {"valueName":"voiceUsage","usageType":"VOICE","counterType":"USED","periodType":"BILLING_PERIOD","value":"340 SECONDS"},
              {"valueName":"dataUsageLastDay","usageType":"DATA","counterType":"USED","periodType":"LAST_DAY","value":"0.5 MB"},
              {"valueName":"voiceUsageLastDay","usageType":"VOICE","counterType":"USED","periodType":"LAST_DAY","value":"2 MIN"}
            ]}
            """))
        #expect(report.id == "TMSP-1-usageVolume-data")
        #expect(report.period.dataBytes == 1_435_265_819)  // 1401626.776576 × 1024, rounded
        #expect(report.period.dataLimitBytes == 2_147_483_648)
        #expect(report.period.sms == 12)
        #expect(report.period.voiceSeconds == 340)
        #expect(report.lastDay == .init(dataBytes: 524_288, voiceSeconds: 120))
        #expect(report.periodStart == "2026-12-01T00:00:00Z")
        #expect(report.periodEnd == "2026-12-31T23:59:59Z")
    }

    @Test func amountsWithUnitsAndBareBucketsCountAsThePeriodsData() throws {
        let report = try #require(try parse("""
            {"id":"JASPER-1-usageVolume-data","usageType":"DATA","bucketCounter":[
              {"valueName":"dataUsage","value":{"amount":1024.5,"units":"KB"},"counterType":"USED"}]}
            """))
        #expect(report.period == .init(dataBytes: 1_049_088))
        #expect(report.lastDay == .init())
        #expect(try parse(#"{"id":"x","usageType":"DATA"}"#) == nil)
    }
}
