// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "FocusCode",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FocusCodeKit", targets: ["FocusCodeKit"]),
        .executable(name: "focuscode", targets: ["focuscode"]),
        .executable(name: "focuscode-bench", targets: ["FocusCodeBench"]),
    ],
    dependencies: [
        // SQLite access: WAL, migrations, FTS5 (replaces hand-written sqlite3 C calls).
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // Command-line parsing, help and completion.
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // .docx is a zip of OOXML parts.
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        // SHA-256 content hashes and HMAC digests (Foundation on Linux has no CryptoKit).
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // Codebook import and export as YAML (libyaml-based; replaces a hand-written YAML subset).
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        // HTTP server for the local web workbench (`focuscode serve`); replaces nothing, new feature.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        // PostgreSQL client for the team hub (`focuscode hub`); new feature, swift-nio is already in the graph.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(
            name: "FocusCodeKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API of the SQLite GRDB links, for the reports' hot loops (no Row values per row).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            // English stop words and fillers for the word tools (plain text, one word a line).
            resources: [.process("Resources")]
        ),
        // The web workbench's HTTP layer: routes over FocusCodeKit (which knows no HTTP), page assets.
        .target(
            name: "FocusCodeWeb",
            dependencies: [
                "FocusCodeKit",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Assets")]
        ),
        // The team hub: the sync rows of FocusCodeKit stored on a PostgreSQL server (FocusCodeKit knows no PostgreSQL).
        .target(
            name: "FocusCodeHub",
            dependencies: [
                "FocusCodeKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "focuscode",
            dependencies: [
                "FocusCodeKit",
                "FocusCodeWeb",
                "FocusCodeHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FocusCodeBench",
            dependencies: ["FocusCodeKit"],
            path: "Benchmarks/FocusCodeBench"
        ),
        // Test-only: loads the fixture codebook and codings with plain SQL (shared by both test targets).
        .target(
            name: "FocusCodeTestSupport",
            dependencies: ["FocusCodeKit", "FocusCodeHub", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/FocusCodeTestSupport"
        ),
        .testTarget(
            name: "FocusCodeKitTests",
            dependencies: ["FocusCodeKit", "FocusCodeTestSupport"],
            exclude: ["Reports/Golden"]
        ),
        .testTarget(
            name: "FocusCodeWebTests",
            dependencies: [
                "FocusCodeWeb", "FocusCodeKit", "FocusCodeTestSupport",
            ]
        ),
        .testTarget(
            name: "focuscodeTests",
            dependencies: ["focuscode", "FocusCodeTestSupport"]
        ),
    ]
)
