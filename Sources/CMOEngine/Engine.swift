/// The workflow engine (placeholder until its issue lands).
public enum CMOEnginePlaceholder {}
