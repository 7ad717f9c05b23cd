import Foundation

/// Runs an executable (by default the built `focuscode`) in `dir`, stdin from /dev/null, and
/// captures its status and output. `environment` overrides the test's environment: a nil value
/// removes the variable. Shared by every end-to-end test file.
func runBinary(_ args: [String], in dir: URL, environment overrides: [String: String?] = [:],
               executable: URL = CLITests.binary) throws -> CLITests.Result {
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
    return CLITests.Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                           stderr: String(decoding: e, as: UTF8.self))
}
