import { describe, expect, it } from "vitest";
import { decodeFormPaths, FormPathError, parseFormPath } from "../src/lib/form-paths";

describe("form paths", () => {
  it("parses dotted keys and indexes", () => {
    expect(parseFormPath("properties[2].enum[0]")).toEqual(["properties", 2, "enum", 0]);
    expect(parseFormPath("trigger.operation")).toEqual(["trigger", "operation"]);
  });

  it("refuses names that are not paths or reach the prototype", () => {
    for (const bad of ["", "a..b", "a[x]", "a]", "__proto__.x", "a.constructor", "a[1"]) {
      expect(() => parseFormPath(bad), bad).toThrow(FormPathError);
    }
  });

  it("builds nested objects and closes gaps in lists in index order", () => {
    const tree = decodeFormPaths(
      [
        ["_csrf", "t"],
        ["title", "Service"],
        ["props[5].key", "b"],
        ["props[0].key", "a"],
        ["props[0].enum[0]", "x"],
        ["props[0].enum[1]", "y"],
        ["trigger.operation", "CREATE"],
      ],
      new Set(["_csrf"]),
    );
    expect(tree).toEqual({
      title: "Service",
      props: [{ key: "a", enum: ["x", "y"] }, { key: "b" }],
      trigger: { operation: "CREATE" },
    });
  });

  it("collects repeated names into arrays (checkboxes)", () => {
    expect(
      decodeFormPaths([
        ["roles", ["Admin", "Member"]],
        ["teams", "a"],
        ["teams", "b"],
      ]),
    ).toEqual({
      roles: ["Admin", "Member"],
      teams: ["a", "b"],
    });
  });

  it("refuses a name used both as a value and as a group", () => {
    expect(() =>
      decodeFormPaths([
        ["a", "1"],
        ["a.b", "2"],
      ]),
    ).toThrow(FormPathError);
    expect(() =>
      decodeFormPaths([
        ["a[0]", "1"],
        ["a.b", "2"],
      ]),
    ).toThrow(FormPathError);
  });
});
