/// The CMO API simulator (placeholder until its issue lands).
public enum CMOSimulatorPlaceholder {}
