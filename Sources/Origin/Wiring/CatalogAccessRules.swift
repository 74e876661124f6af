import Access
import Catalog
import MediaCore

/// Items' access rules from the catalog's `access_rules` table (what `PATCH /api/v1/assets/{id}`,
/// `ingest --access` and live-stream creation store).
public struct CatalogAccessRules: AccessRulesSource {
    let catalog: any CatalogStore

    public init(catalog: any CatalogStore) { self.catalog = catalog }

    public func rules(for scope: AccessScope) async throws -> ItemAccess {
        try storedRules(scope)
    }

    /// The same, without suspending (the CLI).
    public func storedRules(_ scope: AccessScope) throws -> ItemAccess {
        guard let record = try catalog.accessRules(tree: scope.tree.rawValue, owner: scope.owner) else { return .unset }
        return ItemAccess(policy: record.policy.flatMap(AccessPolicy.init(rawValue:)),
                          blockedCountries: record.blockedCountries, allowedCountries: record.allowedCountries)
    }

    public func store(_ scope: AccessScope, _ rules: ItemAccess) throws {
        let record = rules == .unset ? nil : AccessRulesRecord(policy: rules.policy?.rawValue, blockedCountries: rules.blockedCountries,
                                                               allowedCountries: rules.allowedCountries)
        try catalog.setAccessRules(tree: scope.tree.rawValue, owner: scope.owner, record)
    }
}
