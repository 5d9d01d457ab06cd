// swift-tools-version: 6.0
import PackageDescription

// DCMTK 3.6.7 and OpenJPEG 2.5 from Debian (Scripts/setup installs them). Only the libraries whose
// symbols the shim calls are listed; their own dependencies come in through DT_NEEDED.
let nativeLibraries: [LinkerSetting] =
    ["dcmtls", "dcmnet", "dcmsr", "dcmjpls", "dcmjpeg", "dcmdata", "oflog", "ofstd", "openjp2"].map { .linkedLibrary($0) }

let package = Package(
    name: "ctdose",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ctdose", targets: ["ctdose"]),
        .library(name: "ArchiveScan", targets: ["ArchiveScan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // DICOMweb over HTTP(S): trust roots and client certificates of our choosing, bodies streamed to files.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // The only C++ in the project: a plain-C API over DCMTK. No logic.
        .target(
            name: "CDCMTK",
            cxxSettings: [.define("NDEBUG", .when(configuration: .release))],
            linkerSettings: nativeLibraries
        ),
        // zlib (Debian's zlib1g-dev): deflate for the PNG thumbnails. A module map, no code.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Safe Swift value types over CDCMTK. The only importer of CDCMTK.
        .target(name: "DICOMBridge", dependencies: ["CDCMTK", "DoseModel"]),
        // Pure Swift from here on: none of these modules sees DCMTK.
        .target(name: "DoseModel"),
        // RFC 4180 CSV, written and read the same way by every module with CSV outputs or inputs.
        .target(name: "CSVFormat"),
        .target(name: "PixelAnalysis"),
        .target(name: "DosePhysics"),
        .target(name: "DoseValidation", dependencies: ["DoseModel", "CSVFormat"]),
        .target(
            name: "QualityMeasures",
            dependencies: ["DosePhysics", "DoseModel", "CSVFormat"],
            resources: [.copy("Data")]
        ),
        // The results database: one SQL schema, versioned migrations, SQLite (GRDB) or PostgreSQL
        // (postgres-nio) underneath. Knows rows and SQL, not DICOM.
        .target(
            name: "ResultStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Self-contained HTML report (inline SVG charts) from a scan's output folder.
        .target(name: "ScanReport", dependencies: ["ArchiveScan", "CSVFormat", "DoseModel", "QualityMeasures", "DoseValidation"]),
        .target(
            name: "ArchiveScan",
            dependencies: [
                "CSVFormat", "DICOMBridge", "DoseModel", "PixelAnalysis", "DosePhysics", "QualityMeasures", "DoseValidation", "ResultStore",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "ctdose",
            dependencies: [
                "ArchiveScan", "DICOMBridge", "PixelAnalysis", "QualityMeasures", "DoseValidation", "ScanReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // jemalloc serves the process's malloc: DCMTK builds and frees thousands of small objects per
            // file, and two reading threads contend less in jemalloc's per-thread caches than in glibc's
            // arenas (Scripts/bench-scan, 2 jobs: about 10 % less time).
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        // Per-process scratch folders of the tests, removed when the test process exits.
        .target(name: "ScratchFolders", path: "Tests/ScratchFolders"),
        .testTarget(name: "DICOMBridgeTests", dependencies: ["DICOMBridge", "ScratchFolders"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DoseModelTests", dependencies: ["DoseModel"]),
        .testTarget(name: "ResultStoreTests", dependencies: ["ResultStore", "ScratchFolders"]),
        .testTarget(name: "ScanReportTests", dependencies: ["ScanReport", "ArchiveScan", "CSVFormat", "QualityMeasures", "ScratchFolders"]),
        .testTarget(name: "CSVFormatTests", dependencies: ["CSVFormat", "ScratchFolders"]),
        .testTarget(name: "PixelAnalysisTests", dependencies: ["PixelAnalysis"]),
        .testTarget(name: "DosePhysicsTests", dependencies: ["DosePhysics"]),
        .testTarget(name: "DoseValidationTests", dependencies: ["DoseValidation", "DoseModel"]),
        .testTarget(name: "QualityMeasuresTests", dependencies: ["QualityMeasures", "CSVFormat", "DosePhysics", "DoseModel"]),
        .testTarget(
            name: "ArchiveScanTests",
            dependencies: [
                "ArchiveScan", "DICOMBridge", "DoseModel", "PixelAnalysis", "QualityMeasures", "DoseValidation", "CZlib", "ScratchFolders",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
