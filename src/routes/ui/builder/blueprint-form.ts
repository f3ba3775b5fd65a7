import { flagOf, groupOf, indexArg, parseOp, rowsOf, type Tree, textOf, unusedKey, withoutIndex } from "./form-fields";

/**
 * The blueprint builder's form as data: every field is the text the user sees, so a half-typed value
 * (a default of "1e" on a number property) survives a round trip through the server. Field names in the
 * HTML are these paths (`properties[2].enum[0].color`), decoded by lib/form-paths.
 */

export interface EnumRow {
  value: string;
  color: string;
}

export interface PropertyRow {
  key: string;
  title: string;
  type: string;
  format: string;
  /** Array properties: the element type and format. */
  itemsType: string;
  itemsFormat: string;
  description: string;
  icon: string;
  required: boolean;
  /** Text for string properties, a number, true/false, or JSON for objects and arrays. */
  default: string;
  enum: EnumRow[];
  /** Keys the form has no field for (minLength, pattern, …) as a JSON object. */
  more: string;
}

export interface RelationRow {
  key: string;
  title: string;
  description: string;
  target: string;
  many: boolean;
  required: boolean;
  more: string;
}

export interface MirrorRow {
  key: string;
  title: string;
  path: string;
  more: string;
}

export interface CalculationRow {
  key: string;
  title: string;
  description: string;
  type: string;
  format: string;
  calculation: string;
  more: string;
}

export interface AggregationRow {
  key: string;
  title: string;
  description: string;
  target: string;
  func: string;
  /** The target's number property summed, averaged, … (not for count). */
  property: string;
  /** Relations from the target to this blueprint, dot-separated (Port's pathFilter); "" = any path. */
  path: string;
  /** Port's query narrowing the target entities, as JSON; "" = all of them. */
  query: string;
  more: string;
}

export interface BlueprintForm {
  identifier: string;
  title: string;
  icon: string;
  description: string;
  /** "" (none), Direct or Inherited. */
  ownershipType: string;
  ownershipPath: string;
  more: string;
  properties: PropertyRow[];
  relations: RelationRow[];
  mirrors: MirrorRow[];
  calculations: CalculationRow[];
  aggregations: AggregationRow[];
}

export const AGGREGATION_FUNCS = ["count", "sum", "average", "min", "max", "median"] as const;

/** The form of a new blueprint. */
export function emptyBlueprintForm(): BlueprintForm {
  return {
    identifier: "",
    title: "",
    icon: "",
    description: "",
    ownershipType: "",
    ownershipPath: "",
    more: "",
    properties: [],
    relations: [],
    mirrors: [],
    calculations: [],
    aggregations: [],
  };
}

/** A new string property with only its key. */
export function emptyPropertyRow(key: string): PropertyRow {
  return {
    key,
    title: "",
    type: "string",
    format: "",
    itemsType: "",
    itemsFormat: "",
    description: "",
    icon: "",
    required: false,
    default: "",
    enum: [],
    more: "",
  };
}

/** Reads the posted form (already decoded into a tree). */
export function blueprintFormFromTree(tree: Tree): BlueprintForm {
  const ownership = groupOf(tree, "ownership");
  return {
    identifier: textOf(tree, "identifier"),
    title: textOf(tree, "title"),
    icon: textOf(tree, "icon"),
    description: textOf(tree, "description"),
    ownershipType: textOf(ownership, "type"),
    ownershipPath: textOf(ownership, "path"),
    more: textOf(tree, "more"),
    properties: rowsOf(tree, "properties").map((r) => ({
      key: textOf(r, "key"),
      title: textOf(r, "title"),
      type: textOf(r, "type") || "string",
      format: textOf(r, "format"),
      itemsType: textOf(r, "itemsType"),
      itemsFormat: textOf(r, "itemsFormat"),
      description: textOf(r, "description"),
      icon: textOf(r, "icon"),
      required: flagOf(r, "required"),
      default: textOf(r, "default"),
      enum: rowsOf(r, "enum").map((e) => ({ value: textOf(e, "value"), color: textOf(e, "color") })),
      more: textOf(r, "more"),
    })),
    relations: rowsOf(tree, "relations").map((r) => ({
      key: textOf(r, "key"),
      title: textOf(r, "title"),
      description: textOf(r, "description"),
      target: textOf(r, "target"),
      many: flagOf(r, "many"),
      required: flagOf(r, "required"),
      more: textOf(r, "more"),
    })),
    mirrors: rowsOf(tree, "mirrors").map((r) => ({
      key: textOf(r, "key"),
      title: textOf(r, "title"),
      path: textOf(r, "path"),
      more: textOf(r, "more"),
    })),
    calculations: rowsOf(tree, "calculations").map((r) => ({
      key: textOf(r, "key"),
      title: textOf(r, "title"),
      description: textOf(r, "description"),
      type: textOf(r, "type") || "string",
      format: textOf(r, "format"),
      calculation: textOf(r, "calculation"),
      more: textOf(r, "more"),
    })),
    aggregations: rowsOf(tree, "aggregations").map((r) => ({
      key: textOf(r, "key"),
      title: textOf(r, "title"),
      description: textOf(r, "description"),
      target: textOf(r, "target"),
      func: textOf(r, "func") || "count",
      property: textOf(r, "property"),
      path: textOf(r, "path"),
      query: textOf(r, "query"),
      more: textOf(r, "more"),
    })),
  };
}

/** Every key the blueprint defines so far (new rows get one not in use). */
function usedKeys(form: BlueprintForm): string[] {
  return [...form.properties, ...form.relations, ...form.mirrors, ...form.calculations, ...form.aggregations].map((r) => r.key);
}

/**
 * Applies a builder button (`add-property`, `remove-enum:2:0`, …) to the form. Unknown operations and
 * indexes that name nothing leave the form as it was (a stale page posting an old index changes nothing).
 */
export function applyBlueprintOp(form: BlueprintForm, op: string, firstBlueprint: string): BlueprintForm {
  const { name, args } = parseOp(op);
  const at = (length: number) => indexArg(args[0], length);
  switch (name) {
    case "add-property":
      return {
        ...form,
        properties: [...form.properties, emptyPropertyRow(unusedKey("property", usedKeys(form)))],
      };
    case "remove-property":
      return { ...form, properties: withoutIndex(form.properties, at(form.properties.length)) };
    case "add-enum":
    case "remove-enum": {
      const i = at(form.properties.length);
      const row = form.properties[i];
      if (!row) return form;
      const values =
        name === "add-enum" ? [...row.enum, { value: "", color: "" }] : withoutIndex(row.enum, indexArg(args[1], row.enum.length));
      return { ...form, properties: form.properties.map((p, j) => (j === i ? { ...p, enum: values } : p)) };
    }
    case "add-relation":
      return {
        ...form,
        relations: [
          ...form.relations,
          {
            key: unusedKey("relation", usedKeys(form)),
            title: "",
            description: "",
            target: firstBlueprint,
            many: false,
            required: false,
            more: "",
          },
        ],
      };
    case "remove-relation":
      return { ...form, relations: withoutIndex(form.relations, at(form.relations.length)) };
    case "add-mirror":
      return { ...form, mirrors: [...form.mirrors, { key: unusedKey("mirror", usedKeys(form)), title: "", path: "", more: "" }] };
    case "remove-mirror":
      return { ...form, mirrors: withoutIndex(form.mirrors, at(form.mirrors.length)) };
    case "add-calculation":
      return {
        ...form,
        calculations: [
          ...form.calculations,
          {
            key: unusedKey("calculation", usedKeys(form)),
            title: "",
            description: "",
            type: "string",
            format: "",
            calculation: "",
            more: "",
          },
        ],
      };
    case "remove-calculation":
      return { ...form, calculations: withoutIndex(form.calculations, at(form.calculations.length)) };
    case "add-aggregation":
      return {
        ...form,
        aggregations: [
          ...form.aggregations,
          {
            key: unusedKey("aggregation", usedKeys(form)),
            title: "",
            description: "",
            target: firstBlueprint,
            func: "count",
            property: "",
            path: "",
            query: "",
            more: "",
          },
        ],
      };
    case "remove-aggregation":
      return { ...form, aggregations: withoutIndex(form.aggregations, at(form.aggregations.length)) };
    default:
      // "refresh" (a type or target changed, so other fields change shape) and anything unknown.
      return form;
  }
}
