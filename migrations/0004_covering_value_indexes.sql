-- The value index answers rule lookups with entity ids; carrying entity_id in the index makes those lookups
-- index-only (no table read per matching value): about 3x faster at 100,000 entities (docs/performance.md).
DROP INDEX entity_values_str;
DROP INDEX entity_values_num;
CREATE INDEX entity_values_str ON entity_values (blueprint, property, str, entity_id);
CREATE INDEX entity_values_num ON entity_values (blueprint, property, num, entity_id);
