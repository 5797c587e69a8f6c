/// The CMO API client (placeholder until its issue lands).
public enum CMOClientPlaceholder {}
