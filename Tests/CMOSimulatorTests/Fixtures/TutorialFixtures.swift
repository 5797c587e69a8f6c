/// The five steps of the CMO "SIM card activation" tutorial, as this project's own fixtures: the requests each
/// step sends (method, path, query, headers, body) and the response shapes the tutorial shows, with the
/// simulator's documented additions (`isCustomerVisible`, `billingAccount`, the other sub-products, the monitor's
/// full body). Shapes use ``ShapeMatcher``'s placeholders.
enum TutorialFixtures {
    /// One request of the tutorial, with `$API_URL`, `$TENANT`, `$ACCESS_TOKEN`, `$PRODUCT_ID`, `$MONITOR_ID`
    /// left to fill in.
    struct Step: Sendable {
        var name: String
        var method: String
        var url: String
        var headers: [String]
        var body: String?
    }

    static let readHeaders = [
        "Content-Type: application/json",
        "Accept: application/json",
        "Authorization: Bearer $ACCESS_TOKEN",
    ]

    static let patchHeaders = [
        "Content-Type: application/json-patch+json",
        "Accept: application/json",
        "Authorization: Bearer $ACCESS_TOKEN",
    ]

    /// Step 1: list products.
    static let listProducts = Step(
        name: "Retrieve a list of IoT Connectivity Products", method: "GET",
        url: "$API_URL/$TENANT/product?fields=id,connectivityType,status&pageNumber=1&pageSize=10",
        headers: readHeaders, body: nil
    )

    /// Step 2: one product's details.
    static let productDetails = Step(
        name: "Retrieve details of an IoT Connection Product", method: "GET",
        url: "$API_URL/$TENANT/product/$PRODUCT_ID", headers: readHeaders, body: nil
    )

    /// Steps 3 and 4: activate (the same request for synchronous and asynchronous backends).
    static let activate = Step(
        name: "Update the status of an IoT Connection Product", method: "PATCH",
        url: "$API_URL/$TENANT/product/${PRODUCT_ID}-simCard", headers: patchHeaders,
        body: """
            [
                {
                "op": "replace",
                "path": "/status",
                "value": "ACTIVE"
                }
            ]
            """
    )

    /// Step 5: the monitor of an asynchronous change.
    static let monitor = Step(
        name: "Monitor the result of the asynchronous status change", method: "GET",
        url: "$API_URL/$TENANT/monitor/$MONITOR_ID", headers: readHeaders, body: nil
    )

    /// Step 1's answer.
    static let listShape = """
        {
          "entities": ["<each>", {"id": "<string>", "connectivityType": "<string>", "status": "<string>"}],
          "statistics": {"currentPage": 1, "pageSize": 10},
          "links": [{"type": "self", "url": "<string>"}],
          "correlationId": "<uuid>"
        }
        """

    /// A simCard sub-product as the tutorial shows it (step 2's relationship, step 3's answer).
    static func simCardShape(id: String, href: String, status: String, withCorrelation: Bool) -> String {
        """
        {
          "id": "\(id)",
          "href": "\(href)",
          "isBundle": false,
          "status": "\(status)",
          "productCharacteristic": [
            {"name": "dateActivated", "value": "<date-or-empty>"},
            {"name": "dateAdded", "value": "<date>"},
            {"name": "dateUpdated", "value": "<date>"},
            {"name": "euiccid", "value": "<string>"},
            {"name": "globalSimType", "value": "<string>"},
            {"name": "ICCID", "value": "<digits>"},
            {"name": "imei", "value": "<string>"},
            {"name": "IMSI", "value": "<digits>"},
            {"name": "MSISDN", "value": "<digits>"},
            {"name": "simNotes", "value": "<string>"}
          ],
          "customProperty": [],
          "@baseType": "product",
          "@type": "simCard"\(withCorrelation ? #", "correlationId": "<uuid>""# : "")
        }
        """
    }

    /// Step 2's answer for a cellular bundle.
    static func bundleShape(id: String, href: String, system: String, connectivity: String, status: String = "<string>") -> String {
        """
        {
          "id": "\(id)",
          "href": "\(href)",
          "isBundle": true,
          "isCustomerVisible": true,
          "startDate": "<date>",
          "status": "\(status)",
          "connectivityType": "\(connectivity)",
          "relatedParty": [{"id": "<string>", "name": "<string>", "role": "customer"}],
          "billingAccount": {"id": "<string>"},
          "productOffering": {"name": "<string>"},
          "productCharacteristic": [{"name": "SYSTEM", "value": "\(system)"}],
          "productRelationship": [
            {"type": "BUNDLED", "product": \(simCardShape(id: id + "-simCard", href: href + "-simCard", status: status, withCorrelation: false))},
            {"type": "BUNDLED", "product": {
              "id": "\(id)-dataConnectivity", "href": "\(href)-dataConnectivity", "isBundle": false, "status": "\(status)",
              "productCharacteristic": [
                {"name": "apn", "value": "<string>"}, {"name": "ipAddress", "value": "<string>"}, {"name": "ratType", "value": "<string>"}
              ],
              "@baseType": "product", "@type": "dataConnectivity"
            }},
            {"type": "BUNDLED", "product": {
              "id": "\(id)-usageVolume-data", "href": "\(href)-usageVolume-data", "isBundle": false,
              "usageType": "DATA", "isShared": false,
              "bucketCounter": [{
                "valueName": "dataUsage", "usageType": "DATA", "counterType": "USED", "periodType": "BILLING_PERIOD",
                "value": {"amount": "<number>", "units": "KB"},
                "consumptionPeriod": {"startDateTime": "<date>", "endDateTime": "<date>"}
              }],
              "@baseType": "product", "@type": "usageVolume"
            }}
          ],
          "@baseType": "product",
          "@type": "IoTConnection",
          "correlationId": "<uuid>"
        }
        """
    }

    /// Step 4's 202 answer and step 5's answer while the change runs: a monitor.
    static func monitorShape(id: String, href: String, sourceHref: String, state: String) -> String {
        """
        {
          "id": "\(id)",
          "href": "\(href)",
          "sourceHref": "\(sourceHref)",
          "state": "\(state)",
          "request": {
            "method": "PATCH",
            "href": "\(sourceHref)",
            "header": [{"name": "Content-Type", "value": "application/json-patch+json"}],
            "body": [{"op": "replace", "path": "/status", "value": "ACTIVE"}]
          },
          "response": {"header": [], "statusCode": 202},
          "creationDate": "<date>",
          "@type": "Monitor",
          "correlationId": "<uuid>"
        }
        """
    }
}
