import { describe, expect, it } from "vitest";
import { callJson } from "./helpers";

describe("smoke", () => {
  it("lists blueprints on an empty catalog", async () => {
    const r = await callJson("GET", "/v1/blueprints");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, blueprints: [] });
  });
});
