/// The operator's workbench: `cmo test` and cassettes (issue 13).
public enum CMOWorkbench {}
