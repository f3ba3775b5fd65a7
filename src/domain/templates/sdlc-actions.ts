import { exampleWebhook, membersMayExecute } from "./example-backend";

/** Self-service actions of the `sdlc` template. The webhooks point at the example backend. */

export const sdlcActions: Record<string, unknown>[] = [
  {
    identifier: "scaffold_component",
    title: "Scaffold a component",
    icon: "Cloud",
    description: "Creates a repository from the golden-path template and registers the component.",
    category: "Software lifecycle",
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: "Component",
      userInputs: {
        properties: {
          name: {
            type: "string",
            title: "Name",
            description: "Lowercase letters, digits and dashes",
            pattern: "^[a-z][a-z0-9-]{1,40}$",
          },
          type: { type: "string", title: "Type", enum: ["service", "library"], default: "service" },
          language: {
            type: "string",
            title: "Language",
            enum: ["go", "typescript", "python"],
            visible: { jqQuery: '.form.type == "service"' },
            dependsOn: ["type"],
          },
          system: { type: "string", title: "System", format: "entity", blueprint: "System" },
          notes: { type: "string", title: "Notes", format: "multi-line" },
        },
        required: ["name", "type", "system"],
        steps: [
          { title: "Basics", order: ["name", "type"] },
          { title: "Details", order: ["language", "system", "notes"] },
        ],
      },
    },
    invocationMethod: exampleWebhook(),
    permissions: membersMayExecute(),
  },
  {
    identifier: "change_component_type",
    title: "Change component type",
    description: "Writes the new type to the catalog directly (no backend).",
    category: "Software lifecycle",
    trigger: {
      type: "self-service",
      operation: "DAY-2",
      blueprintIdentifier: "Component",
      userInputs: { properties: { type: { type: "string", title: "Type", enum: ["service", "library"] } }, required: ["type"] },
    },
    invocationMethod: {
      type: "UPSERT_ENTITY",
      blueprintIdentifier: "Component",
      mapping: { properties: { type: "{{ .inputs.type }}" } },
    },
    permissions: membersMayExecute(),
  },
  {
    identifier: "retire_component",
    title: "Retire a component",
    description: "Archives the repository and removes the component; an admin approves first.",
    category: "Software lifecycle",
    trigger: {
      type: "self-service",
      operation: "DELETE",
      blueprintIdentifier: "Component",
      userInputs: { properties: { reason: { type: "string", title: "Reason", format: "multi-line" } }, required: ["reason"] },
    },
    invocationMethod: exampleWebhook(),
    requiredApproval: true,
    approvalNotification: { type: "email" },
    permissions: membersMayExecute(),
  },
];
