// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cmo",
    products: [
        .executable(name: "cmo", targets: ["cmo"]),
        .library(name: "LuaKit", targets: ["LuaKit"]),
        .library(name: "CMOClient", targets: ["CMOClient"]),
        .library(name: "CMOSimulator", targets: ["CMOSimulator"]),
        .library(name: "CMOJournal", targets: ["CMOJournal"]),
        .library(name: "CMOSchedule", targets: ["CMOSchedule"]),
        .library(name: "CMOEngine", targets: ["CMOEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // TLS (issue 12): NIOSSL for client trust and the simulator's server, X509 (+ its ASN.1 coder) to make and
        // read certificates.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // The schedule daemon's window (issue 14): /metrics in Prometheus text, the status page from templates.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Lua 5.4 from the system (Debian: liblua5.4-dev) and the macros Swift cannot import.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // libedit from the system (Debian: libedit-dev): the REPL's line editing, history and completion.
        .systemLibrary(
            name: "CEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The C trampolines: the only code that raises Lua errors or yields.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        .target(
            name: "LuaKit",
            dependencies: ["CLua", "CLuaShim"],
            // LuaKit's own Lua, compiled into the binary as `PackageResources.<name>_lua` byte arrays.
            resources: [.embedInCode("Lua/error.lua"), .embedInCode("Lua/sandbox.lua"), .embedInCode("Lua/tasks.lua")],
            swiftSettings: strict
        ),
        .target(
            name: "CMOClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HeapModule", package: "swift-collections"),  // MonitorPoller's schedule
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),  // the TLS diagnosis probe
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CMOSimulator",
            dependencies: [
                "CMOClient",  // BackendCatalogue: the one table of backends, statuses and transitions
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Cron expressions, schedule files and the schedule daemon's logic (no Lua, HTTP or SQLite).
        .target(
            name: "CMOSchedule",
            dependencies: [
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Stores the schedule daemon's JobRecord as it is (CMOSchedule knows nothing of SQLite).
        .target(
            name: "CMOJournal",
            dependencies: [
                "CMOSchedule",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CMOEngine",
            dependencies: [
                "LuaKit",
                "CMOClient",
                "CMOJournal",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // The Lua half of the cmo module, the runner of plan/apply workflows and the REPL's printer, compiled
            // into the binary as `PackageResources.prelude_lua`, `workflow_lua` and `repl_lua`.
            resources: [.embedInCode("Lua/prelude.lua"), .embedInCode("Lua/workflow.lua"), .embedInCode("Lua/repl.lua")],
            swiftSettings: strict
        ),
        // The schedule daemon's window: /metrics, /healthz, /readyz, the status page (read from the journal) and
        // the webhooks it sends.
        .target(
            name: "CMOWatch",
            dependencies: [
                "CMOJournal",
                "CMOSchedule",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // webhooks
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The status page's templates, compiled into the binary as `PackageResources.<name>_mustache`.
            resources: [.embedInCode("Templates")],
            swiftSettings: strict
        ),
        // The operator's workbench: `cmo test` (workflow tests against an in-process simulator in simulated time),
        // cassettes for record and replay.
        .target(
            name: "CMOWorkbench",
            dependencies: [
                "CMOClient",
                "CMOEngine",
                "CMOJournal",
                "CMOSimulator",
                "LuaKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "cmo",
            dependencies: [
                "CEdit",
                "CMOWatch",
                "CMOWorkbench",
                "CMOEngine",
                "CMOJournal",
                "CMOSchedule",
                "CMOClient",
                "CMOSimulator",
                "LuaKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Micro-benchmarks for scripts/bench/luakit.sh.
        .executableTarget(name: "cmo-bench", dependencies: ["LuaKit"], swiftSettings: strict),
        // scripts/bench/client.sh: GETs per second through CMOClient.
        .executableTarget(
            name: "cmo-client-bench",
            dependencies: ["CMOClient", .product(name: "Logging", package: "swift-log")],
            path: "Sources/CMOClientBench",
            swiftSettings: strict
        ),
        // What the test targets share: one in-process simulator harness, one way to run the built `cmo`.
        .target(
            name: "CMOTestSupport",
            dependencies: [
                "CMOClient",
                "CMOSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),  // LoopbackServer
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CMOTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit"], swiftSettings: strict),
        .testTarget(
            name: "CMOClientTests",
            dependencies: [
                "CMOClient",
                "CMOSimulator",
                "CMOTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOSimulatorTests",
            dependencies: [
                "CMOSimulator",
                "CMOTestSupport",
                "cmo",  // SimCommandTests run the built binary
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOEngineTests",
            dependencies: [
                "CMOClient",
                "CMOEngine",
                "CMOJournal",
                "CMOSimulator",
                "CMOTestSupport",
                "LuaKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOScheduleTests",
            dependencies: ["CMOSchedule", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOJournalTests",
            dependencies: [
                "CMOJournal", "CMOSchedule", "CMOTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOWatchTests",
            dependencies: [
                "CMOWatch",
                "CMOJournal",
                "CMOSchedule",
                "CMOTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CMOWorkbenchTests",
            dependencies: [
                "CMOWorkbench",
                "CMOClient",
                "CMOEngine",
                "CMOSimulator",
                "CMOTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "cmoTests",
            dependencies: ["cmo", "CMOJournal", "CMOSchedule", "CMOTestSupport"],  // cmo: the binary they run
            swiftSettings: strict
        ),
    ]
)
