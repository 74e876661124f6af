import Catalog
import Foundation
import NIOCore
import Storage
import _NIOFileSystem
#if canImport(Glibc)
import Glibc
#endif

/// Recognises a full disk (ENOSPC, EDQUOT) in the error types the origin's writes throw: NIO's file
/// system, NIO's I/O errors, Foundation's file manager and plain POSIX errors. A full disk is answered
/// 507, not 500: nothing is broken, an admin must free space (and `DELETE` still works for that).
enum StorageFailure {
    static func isDiskFull(_ error: any Error) -> Bool {
        switch error {
        case CatalogError.diskFull, StorageError.diskFull:
            return true
        case let error as FileSystemError:
            if let cause = error.cause { return isDiskFull(cause) }
            return false
        case let error as FileSystemError.SystemCallError:
            return isFull(errno: error.errno.rawValue)
        case let error as IOError:
            return isFull(errno: error.errnoCode)
        case let error as POSIXError:
            return isFull(errno: error.code.rawValue)
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain { return isFull(errno: Int32(error.code)) }
            if error.domain == NSCocoaErrorDomain, error.code == NSFileWriteOutOfSpaceError { return true }
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error { return isDiskFull(underlying) }
            return false
        }
    }

    private static func isFull(errno code: Int32) -> Bool { code == ENOSPC || code == EDQUOT }
}
