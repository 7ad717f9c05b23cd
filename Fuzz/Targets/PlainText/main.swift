import CFuzzerDriver
import FuzzSupport
import Foundation

// libFuzzer runs the loop: every input goes to the reader, which must read it or refuse it with a categorised error.
// libFuzzer's driver also names the per-input function, so it is defined too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(.transcript(.text), data.map(UnsafeRawPointer.init), size)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
