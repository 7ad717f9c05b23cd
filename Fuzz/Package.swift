// swift-tools-version: 6.1
// libFuzzer targets for every FocusCode reader. Build and run with ./run.sh (see README.md):
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address --build-path .build-fuzz
import PackageDescription

let readers = [
    "PlainText", "Markdown", "Docx", "WebVTT", "SRT", "TranscriptCSV", "ParticipantsCSV",
    "CodebookYAML", "CodebookJSON", "CodebookCSV", "CodebookMarkdown", "CodingsCSV", "AgreementCSV",
    "REFIqde", "REFIqdpx", "REFIqdc",
]

let package = Package(
    name: "FocusCodeFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "FocusCode", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "FocusCodeKit", package: "FocusCode")]),
        // Declares libFuzzer's LLVMFuzzerRunDriver (the library itself comes with -sanitize=fuzzer).
        .target(name: "CFuzzerDriver"),
    ] + readers.map { reader in
        // SwiftPM points `main` at the target's own main, so each main.swift hands over to libFuzzer's driver.
        .executableTarget(name: "Fuzz\(reader)", dependencies: ["FuzzSupport", "CFuzzerDriver"], path: "Targets/\(reader)")
    }
)
