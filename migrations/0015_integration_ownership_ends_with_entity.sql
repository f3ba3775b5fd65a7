-- An integration owns the entities it created, not their identifiers: when an entity is deleted (by anyone,
-- through any path), its ownership rows go in the same transaction. Otherwise a person who re-creates the
-- identifier later would have their entity deleted by the integration's next reconciliation.
CREATE TRIGGER entities_end_integration_ownership AFTER DELETE ON entities BEGIN
  DELETE FROM integration_entities WHERE blueprint = old.blueprint AND identifier = old.identifier;
END;
