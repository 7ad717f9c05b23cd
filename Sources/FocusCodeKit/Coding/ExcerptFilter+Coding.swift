import GRDB

extension Project {
    /// SQL conditions on `e` (excerpts) for the coding parts of an excerpt filter: code (with its subcodes, through a
    /// recursive CTE over the tree), coder, and not yet reviewed. IDs are inlined as integers.
    func codingConditions(_ db: Database, _ filter: ExcerptFilter) throws -> [String] {
        var conditions: [String] = []
        var coderId: Int64?
        if let coder = filter.coder {
            coderId = try Self.coderId(db, coder, create: false)
            if coderId == nil, !filter.uncoded { throw CodingError.unknownCoder(coder) }
        }
        let byCoder = coderId.map { " AND c.coder_id = \($0)" } ?? ""
        if let code = filter.code {
            let root = try CodeTree.load(db).resolve(code)
            conditions.append("""
                e.id IN (SELECT c.excerpt_id FROM codings c WHERE c.code_id IN (
                  WITH RECURSIVE sub(id) AS (SELECT \(root.rowId) UNION ALL SELECT codes.id FROM codes JOIN sub ON codes.parent_id = sub.id)
                  SELECT id FROM sub)\(byCoder))
                """)
        } else if filter.coder != nil, !filter.uncoded, let coderId {
            conditions.append("e.id IN (SELECT c.excerpt_id FROM codings c WHERE c.coder_id = \(coderId))")
        }
        if filter.uncoded {
            if filter.coder != nil {
                if let coderId { conditions.append("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.excerpt_id = e.id AND r.coder_id = \(coderId))") }
            } else {
                conditions.append("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.excerpt_id = e.id)")
            }
        }
        return conditions
    }
}
