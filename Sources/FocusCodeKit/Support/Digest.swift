import Crypto
import Foundation

/// Hashes used by the store: content hashes for idempotent import, keyed digests for labels.
enum Digest {
    /// Hex SHA-256 of raw bytes (a document's content hash).
    static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Hex HMAC-SHA-256 of a text under a hex key. Used so that a speaker label can be
    /// recognised in a later document without the label itself being stored.
    static func hmacHex(_ text: String, keyHex: String) -> String {
        let key = SymmetricKey(data: Data(hexString: keyHex) ?? Data(keyHex.utf8))
        return hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    /// Lower-case hex of bytes (String(format:) per byte is far too slow for hot paths).
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// 32 random bytes as hex.
    static func randomSaltHex() -> String {
        hex(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
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
