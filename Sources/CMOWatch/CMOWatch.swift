/// The schedule daemon's window (`cmo schedule FILE --listen HOST:PORT`): `/metrics` in Prometheus text, `/healthz`,
/// `/readyz` and a status page, all read-only and read from the journal and the daemon's state. Start it with
/// ``WatchServer/start(_:journal:schedule:logger:)``.
public enum CMOWatch {}
