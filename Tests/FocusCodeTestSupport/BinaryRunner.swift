import Foundation

/// What a run of a command printed, and its exit status.
public struct BinaryResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The `focuscode` executable that `swift test` builds next to the test bundle.
public var focuscodeBinary: URL { Bundle.main.bundleURL.appendingPathComponent("focuscode") }

/// Runs an executable (by default the built `focuscode`) in `dir`, stdin from /dev/null, and
/// captures its status and output. `environment` overrides the test's environment: a nil value
/// removes the variable. Shared by every end-to-end test.
public func runBinary(_ args: [String], in dir: URL, environment overrides: [String: String?] = [:],
                      executable: URL = focuscodeBinary) throws -> BinaryResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = args
    process.currentDirectoryURL = dir
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in overrides { environment[key] = value }
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return BinaryResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                        stderr: String(decoding: e, as: UTF8.self))
}
