/// LuaKit (placeholder).
public enum LuaKitPlaceholder {}
