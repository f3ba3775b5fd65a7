import { sdlcActions } from "./sdlc-actions";
import type { Template } from "./template";

/**
 * The SDLC catalog of the seed "Building an Internal Developer Portal for a Serverless Architecture":
 * Domain → System → Component/API/Resource, and the Orders/Cart/Products demo, as the seed writes them.
 * The seed's Resource blueprint uses typographic quotes; it ships here corrected.
 */
export const sdlcTemplate: Template = {
  name: "sdlc",
  title: "Software development lifecycle",
  description: "Domain, System, Component, API and Resource blueprints with the Orders / Cart / Products example.",
  blueprints: [
    {
      identifier: "Domain",
      title: "Domain",
      icon: "Server",
      schema: { properties: {}, required: [] },
      mirrorProperties: {},
      formulaProperties: {},
      calculationProperties: {},
      relations: {},
    },
    {
      identifier: "System",
      title: "System",
      icon: "DevopsTool",
      schema: { properties: {}, required: [] },
      mirrorProperties: {},
      formulaProperties: {},
      calculationProperties: {},
      relations: { domain: { target: "Domain", required: true, many: false } },
    },
    {
      identifier: "Resource",
      title: "Resource",
      icon: "DevopsTool",
      schema: {
        properties: {
          type: { enum: ["postgress", "kafka-topic", "rabbit-queue", "s3-bucket"], icon: "Docs", type: "string" },
        },
        required: [],
      },
      mirrorProperties: {},
      formulaProperties: {},
      calculationProperties: {},
      relations: {},
    },
    {
      identifier: "Component",
      title: "Component",
      icon: "Cloud",
      schema: {
        properties: {
          type: {
            enum: ["service", "library"],
            icon: "Docs",
            type: "string",
            enumColors: { service: "blue", library: "green" },
          },
        },
        required: [],
      },
      mirrorProperties: {},
      formulaProperties: {},
      calculationProperties: {},
      relations: {
        system: { target: "System", required: false, many: false },
        resources: { target: "Resource", required: false, many: true },
        consumesApi: { target: "API", required: false, many: true },
        components: { target: "Component", required: false, many: true },
        providesApi: { target: "API", required: false, many: false },
      },
    },
    {
      identifier: "API",
      title: "API",
      icon: "Link",
      schema: { properties: { type: { type: "string", enum: ["Open API", "grpc"] } }, required: [] },
      mirrorProperties: {},
      formulaProperties: {},
      calculationProperties: {},
      relations: { provider: { target: "Component", required: true, many: false } },
    },
  ],
  // In dependency order: an entity comes after the entities its required relations point at.
  entities: [
    { blueprint: "Domain", entity: { properties: {}, relations: {}, title: "Orders", identifier: "Orders" } },
    { blueprint: "System", entity: { properties: {}, relations: { domain: "Orders" }, identifier: "Cart", title: "Cart" } },
    { blueprint: "System", entity: { properties: {}, relations: { domain: "Orders" }, identifier: "Products", title: "Products" } },
    {
      blueprint: "Resource",
      entity: { properties: { type: "postgress" }, relations: {}, icon: "GPU", title: "Cart SQL database", identifier: "cart-sql-sb" },
    },
    {
      blueprint: "Component",
      entity: {
        properties: { type: "library" },
        relations: { system: "Cart" },
        title: "Core Kafka Library",
        identifier: "CoreKafkaLibrary",
      },
    },
    {
      blueprint: "Component",
      entity: {
        properties: { type: "library" },
        relations: { system: "Cart" },
        title: "Core Payment Library",
        identifier: "CorePaymentLibrary",
      },
    },
    {
      blueprint: "Component",
      entity: {
        identifier: "CartService",
        title: "Cart Service",
        blueprint: "Component",
        properties: { type: "service" },
        relations: { system: "Cart", resources: ["cart-sql-sb"], consumesApi: [], components: ["CorePaymentLibrary", "CoreKafkaLibrary"] },
        icon: "Cloud",
      },
    },
    {
      blueprint: "API",
      entity: {
        identifier: "CartAPI",
        title: "Cart API",
        blueprint: "API",
        properties: { type: "Open API" },
        relations: { provider: "CartService" },
        icon: "Link",
      },
    },
    {
      blueprint: "Component",
      entity: {
        identifier: "ProductsService",
        title: "Products Service",
        blueprint: "Component",
        properties: { type: "service" },
        relations: { system: "Products", consumesApi: ["CartAPI"], components: [] },
      },
    },
  ],
  actions: sdlcActions,
};
