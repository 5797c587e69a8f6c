/// The schedule daemon's window: `/metrics`, `/healthz`, `/readyz` and the status page (issue 14).
public enum CMOWatch {}
