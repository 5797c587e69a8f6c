/// Writes a monitor in the shape `GET monitor/{id}` answers.
enum MonitorRenderer {
    /// Writes `monitor`; `subProduct` is the sub-product's current JSON, shown in the response once completed.
    static func write(_ monitor: Monitor, subProduct: JSONTemplate?, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", monitor.id)
        writer.linkField("href", "/monitor/" + monitor.id)
        writer.linkField("sourceHref", "/product/" + monitor.subProductID)
        writer.field("state", monitor.state.rawValue)
        writer.key("request")
        writer.beginObject()
        writer.field("method", "PATCH")
        writer.linkField("href", "/product/" + monitor.subProductID)
        writer.key("header")
        writer.beginArray()
        writer.beginObject()
        writer.field("name", "Content-Type")
        writer.field("value", "application/json-patch+json")
        writer.endObject()
        writer.endArray()
        writer.key("body")
        writer.beginArray()
        for operation in monitor.operations {
            writer.beginObject()
            writer.field("op", operation.op)
            writer.field("path", operation.path)
            writer.field("value", operation.value)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.key("response")
        writer.beginObject()
        writer.key("header")
        writer.beginArray()
        writer.endArray()
        switch monitor.state {
        case .inProgress:
            writer.field("statusCode", 202)
        case .completed:
            writer.field("statusCode", 200)
            if let subProduct {
                writer.key("body")
                writer.raw(template: subProduct)
            }
        case .inError:
            writer.field("statusCode", 502)
            writer.key("body")
            writer.beginObject()
            writer.field("type", "Bad Gateway")
            writer.field("status", 502)
            writer.field("title", "Error")
            writer.field("detail", monitor.reason ?? "The backend reported an error.")
            writer.endObject()
        }
        writer.endObject()
        if let completedAt = monitor.completedAt {
            writer.field("completionDate", Timestamp.iso8601(millis: completedAt))
        }
        if monitor.state == .inError {
            writer.field("reason", monitor.reason ?? "The backend reported an error.")
        }
        writer.field("creationDate", Timestamp.iso8601(millis: monitor.createdAt))
        writer.field("@type", "Monitor")
        writer.endObject()
    }
}
