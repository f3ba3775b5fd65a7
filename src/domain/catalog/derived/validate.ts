import type { ErrorDetail } from "../../../lib/errors";
import type { BlueprintDefinition } from "../types";

const MIRROR_META = new Set(["$identifier", "$title", "$team", "$createdAt", "$updatedAt"]);
const FUNCS = new Set(["count", "sum", "average", "min", "max", "median"]);

type Known = Map<string, Pick<BlueprintDefinition, "identifier" | "schema" | "relations">>;

/**
 * Checks derived properties against the blueprints they reach: a mirror path must follow existing
 * relations and end at a property or meta-property; an aggregation must name an existing target and a
 * known function (and a number property for anything but count). Calculations are not refused here: an
 * expression that cannot run yields null with its reason on read (Port's jq is translated where it can be).
 */
export function derivedProblems(def: BlueprintDefinition, known: Known): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const [key, mirror] of Object.entries(def.mirrorProperties)) {
    const path = `mirrorProperties.${key}.path`;
    const parts = mirror.path.split(".");
    const field = parts.pop();
    if (parts.length === 0 || !field) {
      problems.push({ path, message: "must be relation(.relation…).property, e.g. system.$title" });
      continue;
    }
    let current: Pick<BlueprintDefinition, "identifier" | "schema" | "relations"> | undefined = def;
    for (const rel of parts) {
      const r: { target: string } | undefined = current?.relations[rel];
      if (!r) {
        problems.push({ path, message: `'${rel}' is not a relation of blueprint '${current?.identifier}'` });
        current = undefined;
        break;
      }
      current = r.target === def.identifier ? def : known.get(r.target);
    }
    if (current && !MIRROR_META.has(field) && !(field in current.schema.properties)) {
      problems.push({ path, message: `'${field}' is not a property of blueprint '${current.identifier}'` });
    }
  }
  for (const [key, raw] of Object.entries(def.aggregationProperties)) {
    const agg = raw as { target?: unknown; calculationSpec?: { func?: unknown; property?: unknown } };
    const at = `aggregationProperties.${key}`;
    const target = typeof agg.target === "string" ? (agg.target === def.identifier ? def : known.get(agg.target)) : undefined;
    if (!target) {
      problems.push({ path: `${at}.target`, message: "must name an existing blueprint" });
      continue;
    }
    const func = agg.calculationSpec?.func ?? "count";
    if (typeof func !== "string" || !FUNCS.has(func)) {
      problems.push({ path: `${at}.calculationSpec.func`, message: `must be one of ${[...FUNCS].join(", ")}` });
    } else if (func !== "count") {
      const prop = agg.calculationSpec?.property;
      const pdef = typeof prop === "string" ? target.schema.properties[prop] : undefined;
      if (pdef?.type !== "number") {
        problems.push({ path: `${at}.calculationSpec.property`, message: `must name a number property of '${target.identifier}'` });
      }
    }
  }
  for (const [key, calc] of Object.entries(def.calculationProperties)) {
    if (typeof calc.calculation !== "string" || calc.calculation.trim() === "") {
      problems.push({ path: `calculationProperties.${key}.calculation`, message: "must be an expression" });
    }
  }
  return problems;
}
