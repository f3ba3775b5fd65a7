-- Identifier and title get their own trigram index: free text ranks them first, and their doclists stay
-- small as the catalog grows (property text made the shared index's doclists grow with the data).
CREATE VIRTUAL TABLE entity_names USING fts5(identifier, title, tokenize = 'trigram');

CREATE TRIGGER entities_names_insert AFTER INSERT ON entities BEGIN
  INSERT INTO entity_names (rowid, identifier, title) VALUES (NEW.id, NEW.identifier, COALESCE(NEW.title, ''));
END;

CREATE TRIGGER entities_names_update AFTER UPDATE OF identifier, title ON entities BEGIN
  DELETE FROM entity_names WHERE rowid = OLD.id;
  INSERT INTO entity_names (rowid, identifier, title) VALUES (NEW.id, NEW.identifier, COALESCE(NEW.title, ''));
END;

CREATE TRIGGER entities_names_delete AFTER DELETE ON entities BEGIN
  DELETE FROM entity_names WHERE rowid = OLD.id;
END;

INSERT INTO entity_names (rowid, identifier, title) SELECT id, identifier, COALESCE(title, '') FROM entities;
