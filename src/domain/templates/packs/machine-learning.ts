import type { Template } from "../template";
import { actionsIn, reasonInput, selfService, where } from "./pack-parts";

/**
 * The seed's machine learning actions: train a model, deploy it, route A/B traffic between a model and a
 * challenger (approved by an admin, it changes what users get), revert a deployment, and spin up a remote
 * Jupyter notebook that expires.
 */

const action = actionsIn("Machine learning");
const FRAMEWORKS = ["pytorch", "tensorflow", "xgboost", "scikit-learn"];
const GPUS = ["none", "T4", "A10G", "A100"];
const STAGES = ["development", "staging", "production", "archived"];
const notArchived = where("stage", "!=", "archived");

export const machineLearningPack: Template = {
  name: "machine-learning",
  title: "Machine learning actions",
  description: "Models and notebooks, with actions to train, deploy, route A/B traffic, revert, and spin up a remote Jupyter notebook.",
  kind: "action-pack",
  blueprints: [
    {
      identifier: "Model",
      title: "ML model",
      icon: "Brain",
      description: "A trained model and where it is served.",
      schema: {
        properties: {
          framework: { title: "Framework", type: "string", enum: FRAMEWORKS },
          stage: {
            title: "Stage",
            type: "string",
            enum: STAGES,
            enumColors: { development: "lightGray", staging: "blue", production: "green", archived: "darkGray" },
          },
          version: { title: "Version", type: "string" },
          accuracy: { title: "Accuracy", type: "number", minimum: 0, maximum: 1 },
          dataset: { title: "Training data", type: "string" },
          endpoint: { title: "Endpoint", type: "string", format: "url" },
          challengerTraffic: { title: "Challenger traffic (%)", type: "number", minimum: 0, maximum: 50 },
        },
        required: [],
      },
      relations: { challenger: { title: "A/B challenger", target: "Model", required: false, many: false } },
    },
    {
      identifier: "Notebook",
      title: "Notebook",
      icon: "Jupyter",
      description: "A remote Jupyter notebook server; it is stopped when it expires.",
      schema: {
        properties: {
          owner: { title: "Owner", type: "string", format: "user" },
          image: { title: "Image", type: "string", enum: ["scipy", "pytorch", "tensorflow"] },
          gpu: { title: "GPU", type: "string", enum: GPUS },
          url: { title: "URL", type: "string", format: "url" },
          expiresAt: { title: "Expires", type: "string", format: "timer" },
        },
        required: [],
      },
      relations: {},
    },
  ],
  entities: [
    {
      blueprint: "Model",
      entity: {
        identifier: "churn-predictor-v2",
        title: "Churn predictor v2",
        properties: { framework: "xgboost", stage: "staging", version: "2.0.0", accuracy: 0.91, dataset: "s3://ml-data/churn/2026-10" },
        relations: {},
      },
    },
    {
      blueprint: "Model",
      entity: {
        identifier: "churn-predictor",
        title: "Churn predictor",
        properties: {
          framework: "xgboost",
          stage: "production",
          version: "1.4.0",
          accuracy: 0.87,
          dataset: "s3://ml-data/churn/2026-06",
          endpoint: "https://ml.example.com/churn-predictor",
        },
        relations: {},
      },
    },
    {
      blueprint: "Model",
      entity: {
        identifier: "fraud-detector",
        title: "Fraud detector",
        properties: { framework: "pytorch", stage: "development", version: "0.3.1", accuracy: 0.78, dataset: "s3://ml-data/fraud/2026-11" },
        relations: {},
      },
    },
  ],
  actions: [
    action({
      identifier: "train_model",
      title: "Train model",
      icon: "Brain",
      description: "Starts a training job on the data set and registers the resulting model in development.",
      trigger: selfService("CREATE", "Model", {
        properties: {
          name: { type: "string", title: "Model name", pattern: "^[a-z][a-z0-9-]{2,50}$" },
          framework: { type: "string", title: "Framework", enum: FRAMEWORKS, default: "pytorch" },
          dataset: {
            type: "string",
            title: "Training data",
            description: "An s3:// or gs:// URI",
            pattern: "^(s3|gs)://[a-z0-9][a-z0-9.-]+/.*$",
          },
          epochs: { type: "number", title: "Epochs", default: 20, minimum: 1, maximum: 500 },
          learningRate: { type: "number", title: "Learning rate", default: 0.001, minimum: 0.000001, maximum: 1 },
          gpu: { type: "string", title: "GPU", enum: GPUS, default: "T4" },
          hyperparameters: { type: "object", title: "More hyperparameters (JSON)", default: {} },
        },
        required: ["name", "framework", "dataset", "epochs", "gpu"],
        steps: [
          { title: "Model", order: ["name", "framework", "dataset"] },
          { title: "Training", order: ["epochs", "learningRate", "gpu", "hyperparameters"] },
        ],
      }),
    }),
    action({
      identifier: "deploy_model",
      title: "Deploy model",
      icon: "Deployment",
      description: "Serves the model behind an endpoint in staging or production.",
      trigger: selfService(
        "DAY-2",
        "Model",
        {
          properties: {
            environment: { type: "string", title: "Environment", enum: ["staging", "production"], default: "staging" },
            replicas: { type: "number", title: "Replicas", default: 2, minimum: 1, maximum: 20 },
            gpu: { type: "string", title: "GPU", enum: GPUS, default: "none" },
          },
          required: ["environment", "replicas", "gpu"],
        },
        notArchived,
      ),
    }),
    action({
      identifier: "route_ab_traffic",
      title: "A/B traffic route",
      icon: "Split",
      description: "Sends a share of the production model's traffic to a challenger model. An admin approves first.",
      trigger: selfService(
        "DAY-2",
        "Model",
        {
          properties: {
            challenger: {
              type: "string",
              title: "Challenger model",
              format: "entity",
              blueprint: "Model",
              dataset: {
                combinator: "and",
                rules: [
                  { property: "stage", operator: "in", value: ["staging", "production"] },
                  { property: "$identifier", operator: "!=", value: { jqQuery: ".entity.identifier" } },
                ],
              },
            },
            percent: { type: "number", title: "Challenger traffic (%)", default: 10, minimum: 1, maximum: 50 },
            hours: { type: "number", title: "Experiment length (hours)", default: 72, minimum: 1, maximum: 720 },
          },
          required: ["challenger", "percent", "hours"],
        },
        where("stage", "=", "production"),
      ),
      requiredApproval: true,
    }),
    action({
      identifier: "revert_model",
      title: "Revert model",
      icon: "Rollback",
      description: "Serves an earlier version of the model again and ends any A/B experiment on it.",
      trigger: selfService(
        "DAY-2",
        "Model",
        {
          properties: {
            toVersion: { type: "string", title: "Version", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$" },
            reason: reasonInput,
          },
          required: ["toVersion", "reason"],
        },
        notArchived,
      ),
    }),
    action({
      identifier: "spin_up_notebook",
      title: "Spin up remote notebook",
      icon: "Jupyter",
      description: "Starts a Jupyter server with the chosen image and GPU for a few hours.",
      trigger: selfService("CREATE", "Notebook", {
        properties: {
          name: { type: "string", title: "Name", pattern: "^[a-z][a-z0-9-]{2,40}$" },
          image: { type: "string", title: "Image", enum: ["scipy", "pytorch", "tensorflow"], default: "scipy" },
          gpu: { type: "string", title: "GPU", enum: GPUS, default: "none" },
          hours: { type: "number", title: "Stop after (hours)", default: 8, minimum: 1, maximum: 72 },
        },
        required: ["name", "image", "gpu", "hours"],
      }),
    }),
  ],
};
