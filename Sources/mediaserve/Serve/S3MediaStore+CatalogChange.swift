import Catalog
import MediaCore
import S3Storage

extension S3MediaStore {
    /// What a shared catalog's notice means for the pointers this node holds (S3Storage knows no catalog).
    func apply(_ change: CatalogChange) {
        switch change {
        case .asset(let id):
            if let asset = AssetID(id) { assetChanged(asset) }
        case .everything:
            everythingChanged()
        case .stream:
            break
        }
    }
}
