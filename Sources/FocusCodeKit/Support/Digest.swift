import Crypto
import Foundation

/// Hashes used by the store: content hashes for idempotent import, keyed digests for labels.
enum Digest {
    /// Hex SHA-256 of raw bytes (a document's content hash).
    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Hex HMAC-SHA-256 of a text under a hex key. Used so that a speaker label can be
    /// recognised in a later document without the label itself being stored.
    static func hmacHex(_ text: String, keyHex: String) -> String {
        let key = SymmetricKey(data: Data(hexString: keyHex) ?? Data(keyHex.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes as hex.
    static func randomSaltHex() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    init?(hexString: String) {
        guard hexString.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(hexString.count / 2)
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
