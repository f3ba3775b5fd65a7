import type { Template } from "../template";
import { actionsIn, reasonInput, selfService, where } from "./pack-parts";

/**
 * The seed's data engineering actions: run an Airflow DAG, add or remove a column of a table, duplicate a
 * table. DAGs and tables are blueprints of their own; a table names the DAG that produces it.
 */

const action = actionsIn("Data engineering");
const COLUMN_TYPES = ["STRING", "INT64", "FLOAT64", "BOOL", "DATE", "TIMESTAMP", "JSON"];
const SCHEMAS = ["analytics", "staging", "sandbox"];
const COLUMN = "^[a-z_][a-z0-9_]{0,62}$";

export const dataEngineeringPack: Template = {
  name: "data-engineering",
  title: "Data engineering actions",
  description: "Airflow DAGs and warehouse tables, with actions to trigger a DAG run, add or remove a column, and duplicate a table.",
  kind: "action-pack",
  blueprints: [
    {
      identifier: "AirflowDag",
      title: "Airflow DAG",
      icon: "Airflow",
      description: "A scheduled pipeline in Airflow.",
      schema: {
        properties: {
          schedule: { title: "Schedule", type: "string" },
          owner: { title: "Owner", type: "string", format: "email" },
          paused: { title: "Paused", type: "boolean", default: false },
          lastRunState: {
            title: "Last run",
            type: "string",
            enum: ["success", "failed", "running", "queued"],
            enumColors: { success: "green", failed: "red", running: "blue", queued: "lightGray" },
          },
          lastRunAt: { title: "Last run at", type: "string", format: "date-time" },
        },
        required: [],
      },
      relations: {},
    },
    {
      identifier: "DataTable",
      title: "Table",
      icon: "Table",
      description: "A warehouse table and its columns.",
      schema: {
        properties: {
          schema: { title: "Schema", type: "string", enum: SCHEMAS },
          columns: { title: "Columns", type: "array", items: { type: "string" }, uniqueItems: true },
          rowCount: { title: "Rows", type: "number", minimum: 0 },
          containsPii: { title: "Contains personal data", type: "boolean", default: false },
        },
        required: [],
      },
      relations: { producedBy: { title: "Produced by", target: "AirflowDag", required: false, many: false } },
    },
  ],
  entities: [
    {
      blueprint: "AirflowDag",
      entity: {
        identifier: "orders_daily_etl",
        title: "Orders daily ETL",
        properties: {
          schedule: "0 2 * * *",
          owner: "data@example.com",
          paused: false,
          lastRunState: "success",
          lastRunAt: "2026-11-24T02:14:00Z",
        },
        relations: {},
      },
    },
    {
      blueprint: "AirflowDag",
      entity: {
        identifier: "churn_features",
        title: "Churn features",
        properties: { schedule: "@weekly", owner: "ml@example.com", paused: true, lastRunState: "failed" },
        relations: {},
      },
    },
    {
      blueprint: "DataTable",
      entity: {
        identifier: "analytics.orders",
        title: "analytics.orders",
        properties: {
          schema: "analytics",
          columns: ["order_id", "customer_id", "total_cents", "currency", "created_at"],
          rowCount: 1_250_000,
          containsPii: false,
        },
        relations: { producedBy: "orders_daily_etl" },
      },
    },
    {
      blueprint: "DataTable",
      entity: {
        identifier: "analytics.customers",
        title: "analytics.customers",
        properties: {
          schema: "analytics",
          columns: ["customer_id", "email", "country", "signed_up_at"],
          rowCount: 84_000,
          containsPii: true,
        },
        relations: { producedBy: "orders_daily_etl" },
      },
    },
  ],
  actions: [
    action({
      identifier: "run_airflow_dag",
      title: "Run Airflow DAG",
      icon: "Airflow",
      description: "Triggers a run of the DAG now, optionally for an earlier logical date or with run configuration.",
      trigger: selfService(
        "DAY-2",
        "AirflowDag",
        {
          properties: {
            logicalDate: {
              type: "string",
              title: "Logical date",
              description: "Empty for now; earlier for a backfill",
              format: "date-time",
            },
            conf: { type: "object", title: "Run configuration (JSON)", default: {} },
            waitForCompletion: { type: "boolean", title: "Keep the run open until the DAG finishes", default: true },
          },
          required: [],
        },
        where("paused", "!=", true),
      ),
    }),
    action({
      identifier: "add_table_column",
      title: "Add column",
      icon: "Table",
      description: "Adds a column to the table through a reviewed migration.",
      trigger: selfService("DAY-2", "DataTable", {
        properties: {
          column: { type: "string", title: "Column name", pattern: COLUMN },
          dataType: { type: "string", title: "Type", enum: COLUMN_TYPES, default: "STRING" },
          nullable: { type: "boolean", title: "Nullable", default: true },
          defaultValue: {
            type: "string",
            title: "Default for existing rows",
            description: "A NOT NULL column needs one",
            maxLength: 200,
            visible: { jqQuery: ".form.nullable == false" },
            required: true,
            dependsOn: ["nullable"],
          },
        },
        required: ["column", "dataType", "nullable"],
      }),
    }),
    action({
      identifier: "remove_table_column",
      title: "Remove column",
      icon: "Table",
      description: "Drops a column of the table. Queries that read it will break: an admin approves first.",
      trigger: selfService(
        "DAY-2",
        "DataTable",
        {
          properties: {
            column: { type: "string", title: "Column", enum: { jqQuery: "$append([], entity.properties.columns)" } },
            reason: reasonInput,
          },
          required: ["column", "reason"],
        },
        where("columns", "isNotEmpty"),
      ),
      requiredApproval: true,
    }),
    action({
      identifier: "duplicate_table",
      title: "Duplicate table",
      icon: "Table",
      description: "Copies a table's structure, and optionally a sample of its rows, into another schema.",
      trigger: selfService("CREATE", "DataTable", {
        properties: {
          source: { type: "string", title: "Table to copy", format: "entity", blueprint: "DataTable" },
          targetSchema: { type: "string", title: "Into schema", enum: SCHEMAS, default: "sandbox" },
          name: { type: "string", title: "New table name", pattern: COLUMN },
          withData: { type: "boolean", title: "Copy rows too", default: false },
          rowLimit: {
            type: "number",
            title: "At most this many rows",
            default: 10_000,
            minimum: 1,
            maximum: 10_000_000,
            visible: { jqQuery: ".form.withData == true" },
            dependsOn: ["withData"],
          },
        },
        required: ["source", "targetSchema", "name"],
        steps: [
          { title: "Source", order: ["source"] },
          { title: "Copy", order: ["targetSchema", "name", "withData", "rowLimit"] },
        ],
      }),
    }),
  ],
};
