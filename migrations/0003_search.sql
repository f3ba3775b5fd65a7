-- Free-text search: an FTS5 index over each entity's identifier, title and string property values, kept in
-- step with `entities` by triggers (so every write path, batch or cascade, updates it in the same transaction).
-- The trigram tokenizer matches any part of a word of 3+ characters ("serv" finds "CartService").

CREATE VIRTUAL TABLE entity_search USING fts5(identifier, title, body, tokenize = 'trigram');

CREATE TRIGGER entities_search_insert AFTER INSERT ON entities BEGIN
  INSERT INTO entity_search (rowid, identifier, title, body)
  VALUES (NEW.id, NEW.identifier, COALESCE(NEW.title, ''),
          COALESCE((SELECT substr(group_concat(value, ' '), 1, 4000) FROM json_tree(NEW.properties) WHERE type = 'text'), ''));
END;

CREATE TRIGGER entities_search_update AFTER UPDATE OF identifier, title, properties ON entities BEGIN
  DELETE FROM entity_search WHERE rowid = OLD.id;
  INSERT INTO entity_search (rowid, identifier, title, body)
  VALUES (NEW.id, NEW.identifier, COALESCE(NEW.title, ''),
          COALESCE((SELECT substr(group_concat(value, ' '), 1, 4000) FROM json_tree(NEW.properties) WHERE type = 'text'), ''));
END;

CREATE TRIGGER entities_search_delete AFTER DELETE ON entities BEGIN
  DELETE FROM entity_search WHERE rowid = OLD.id;
END;

-- Entities written before this migration.
INSERT INTO entity_search (rowid, identifier, title, body)
SELECT id, identifier, COALESCE(title, ''),
       COALESCE((SELECT substr(group_concat(value, ' '), 1, 4000) FROM json_tree(entities.properties) WHERE type = 'text'), '')
FROM entities;
