import { describe, expect, it } from "vitest";
import { conditionInputs } from "../src/domain/actions/form";
import { blueprintBody, call, callJson } from "./helpers";

describe("live form re-rendering", () => {
  it("knows which inputs conditions read: dependsOn and .form.<name> in any expression", () => {
    const sources = conditionInputs({
      properties: {
        type: { type: "string" },
        language: { type: "string", visible: { jqQuery: '.form.type == "service"' } },
        region: { type: "string", default: { jqQuery: 'form.cloud = "aws" ? "eu-west-1" : null' } },
        cloud: { type: "string" },
        notes: { type: "string", dependsOn: ["name"] },
        name: { type: "string" },
      },
      required: { jqQuery: 'if .form.extra then ["notes"] else [] end' },
    });
    expect([...sources].sort()).toEqual(["cloud", "extra", "name", "type"]);
  });

  it("only fields a condition reads re-post the form on change, so typing elsewhere is never interrupted", async () => {
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("lib"))).status).toBe(201);
    const created = await callJson("POST", "/v1/actions", {
      identifier: "make_lib",
      title: "Make a library",
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: "lib",
        userInputs: {
          properties: {
            name: { type: "string" },
            kind: { type: "string", enum: ["internal", "public"] },
            license: { type: "string", visible: { jqQuery: '.form.kind == "public"' } },
          },
        },
      },
      invocationMethod: { type: "UPSERT_ENTITY", blueprintIdentifier: "lib", mapping: { identifier: "{{ .inputs.name }}" } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const html = await (await call("GET", "/actions/make_lib/run")).text();
    const live = [...html.matchAll(/<div class="live-field"[^>]*hx-post="\/actions\/make_lib\/form"[^>]*>[\s\S]*?name="([a-z]+)"/g)].map(
      (m) => m[1],
    );
    expect(live).toEqual(["kind"]);
  });
});
