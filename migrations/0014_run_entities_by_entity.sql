-- The entity page lists the runs that touched an entity: look run_entities up by entity, not only by run.
CREATE INDEX IF NOT EXISTS run_entities_by_entity ON run_entities (blueprint, identifier, at);
