// What the example backend does for each action of the template center's action packs
// (src/domain/templates/packs): the log lines it streams while it "works", and what it then writes to the
// catalog — a CREATE action creates its entity, most DAY-2 actions update theirs, a DELETE removes it.
//
// Each entry takes the run ({inputs, entity, properties, by}: the inputs, the entity's identifier and
// properties for DAY-2/DELETE runs, the requester's email) and returns a plan:
//   steps:   log lines, in order (null entries are skipped)
//   refuse:  a reason to fail the run instead (checked before any work, like a real backend's validation)
//   create:  {blueprint?, identifier, title, properties, relations} — the entity to create
//   update:  {properties, relations} — merged into the run's entity
//   remove:  true — delete the run's entity
//   summary: what the run did, in one sentence (the run's summary)
//
// Entity inputs arrive as whole entities (Port's default body); `id()` takes their identifier.

const enc = encodeURIComponent;
const id = (value) => (value !== null && typeof value === "object" ? value.identifier : value);
const hoursFromNow = (hours) => new Date(Date.now() + hours * 3_600_000).toISOString();
const LATEST_RELEASE = "2026.11";

export const PACK_ACTIONS = {
  // ---- microservice-sdlc ----
  scaffold_microservice: ({ inputs: i }) => ({
    steps: [
      `Creating repository git.example.com/${i.name} from the ${i.language}/${i.framework} golden path…`,
      "Adding CI: lint, test, container image, deploy to staging",
      i.database ? `Provisioning a ${i.databaseEngine} database for ${i.name}…` : null,
      `Registering ${i.name} in system ${id(i.system)}${i.owner ? `, owned by ${i.owner}` : ""}`,
    ],
    create: { identifier: i.name, title: i.name, properties: { type: "service" }, relations: { system: id(i.system) } },
    summary: `Scaffolded ${i.name} (${i.language}, ${i.framework}).`,
  }),
  deploy_service: ({ inputs: i, entity }) => ({
    steps:
      i.strategy === "canary"
        ? [
            `Building ${entity} ${i.version}…`,
            `Canary: ${i.canaryPercent}% of ${i.environment} traffic on ${i.version}`,
            "Watching error rate and latency for 5 minutes… healthy",
            i.autoPromote ? `Promoted ${i.version} to 100% of ${i.environment}` : "Healthy: waiting for a manual promotion",
          ]
        : [
            `Building ${entity} ${i.version}…`,
            `Starting the green stack in ${i.environment} with ${i.version}…`,
            "Smoke tests passed on green",
            `Switched ${i.environment} traffic from blue to green; blue stays up for a quick rollback`,
          ],
    summary: `Deployed ${entity} ${i.version} to ${i.environment} (${i.strategy}).`,
  }),
  revert_deployment: ({ inputs: i, entity }) => ({
    steps: [`Rolling ${entity} in ${i.environment} back to ${i.toVersion}…`, "Traffic moved to the old version; new pods drained"],
    summary: `Reverted ${entity} in ${i.environment} to ${i.toVersion}.`,
  }),
  lock_deployments: ({ inputs: i, entity }) => ({
    steps: [
      `Locking deployments of ${entity} to ${i.environments.join(", ")} until ${i.until}`,
      "Pipelines refuse deploys of it until then",
    ],
    summary: `Deployments of ${entity} to ${i.environments.join(", ")} are locked until ${i.until}.`,
  }),
  add_service_secret: ({ inputs: i, entity }) => ({
    // Never log the value.
    steps: [
      `Writing ${i.name} to secret/${entity}/${i.environment} (value not logged)`,
      `Rolling ${entity}'s pods in ${i.environment} to pick it up`,
    ],
    summary: `Added secret ${i.name} to ${entity} in ${i.environment}.`,
  }),
  add_environment_variable: ({ inputs: i, entity }) => ({
    steps: [
      `Setting ${i.name} on ${entity} (${i.environment})…`,
      i.restart ? `Restarting ${entity}…` : "It takes effect at the next deploy",
    ],
    summary: `Set ${i.name} on ${entity} (${i.environment}).`,
  }),
  upgrade_package_version: ({ inputs: i, entity }) => ({
    steps: [
      `Opening a pull request on ${entity}: ${i.package} → ${i.version} (${i.ecosystem})…`,
      "CI started on the pull request",
      i.autoMerge ? "It merges itself when the checks pass" : "Waiting for a review",
    ],
    summary: `Opened a pull request upgrading ${i.package} to ${i.version}.`,
  }),
  create_feature_flag: ({ inputs: i }) => ({
    steps: [`Creating flag ${i.key} for ${id(i.component)} in ${i.environment} (off)…`],
    create: {
      identifier: `${id(i.component)}-${i.key}`.toLowerCase(),
      title: i.key,
      properties: { key: i.key, environment: i.environment, enabled: false, rollout: 0, description: i.description },
      relations: { component: id(i.component) },
    },
    summary: `Created flag ${i.key} (off).`,
  }),
  toggle_feature_flag: ({ inputs: i, entity }) => ({
    steps: [i.enabled ? `Turning ${entity} on for ${i.rollout}% of traffic…` : `Turning ${entity} off…`],
    update: { properties: { enabled: i.enabled, rollout: i.enabled ? i.rollout : 0 } },
    summary: i.enabled ? `${entity} is on for ${i.rollout}%.` : `${entity} is off.`,
  }),

  // ---- cloud-resources-actions ----
  provision_s3_bucket: ({ inputs: i }) => ({
    steps: [
      `terraform apply: aws_s3_bucket.${i.name} in ${id(i.region)}…`,
      `Versioning ${i.versioning}, encryption ${i.encryption}${i.blockPublicAccess ? ", public access blocked" : ""}`,
    ],
    create: {
      identifier: i.name,
      title: i.name,
      properties: {
        arn: `arn:aws:s3:::${i.name}`,
        versioning: i.versioning,
        encryption: i.encryption,
        publicAccessBlocked: i.blockPublicAccess,
      },
      relations: { region: id(i.region) },
    },
    summary: `Provisioned bucket ${i.name}.`,
  }),
  provision_sqs_queue: ({ inputs: i }) => {
    const name = i.fifo ? `${i.name}.fifo` : i.name;
    const region = id(i.region);
    return {
      steps: [
        `terraform apply: aws_sqs_queue.${i.name} in ${region}…`,
        i.fifo ? `FIFO, content-based deduplication ${i.contentDeduplication ? "on" : "off"}` : null,
      ],
      create: {
        identifier: name,
        title: name,
        properties: {
          arn: `arn:aws:sqs:${region}:123456789012:${name}`,
          url: `https://sqs.${region}.amazonaws.com/123456789012/${name}`,
          fifo: i.fifo,
          visibilityTimeout: i.visibilityTimeout,
          messageRetentionPeriod: i.retentionDays * 86_400,
        },
        relations: { region },
      },
      summary: `Provisioned queue ${name}.`,
    };
  },
  modify_lambda_function: ({ inputs: i, entity }) => ({
    steps: [`UpdateFunctionConfiguration ${entity}: ${i.memorySize} MB, ${i.timeout} s, ${i.architecture}…`, "Published a new version"],
    update: { properties: { memorySize: i.memorySize, timeout: i.timeout, architecture: i.architecture } },
    summary: `Updated ${entity}'s configuration.`,
  }),
  modify_s3_bucket: ({ inputs: i, entity }) => ({
    steps: [`Setting versioning ${i.versioning} on ${entity}…`, `Public access ${i.blockPublicAccess ? "blocked" : "no longer blocked"}`],
    update: { properties: { versioning: i.versioning, publicAccessBlocked: i.blockPublicAccess } },
    summary: `Updated bucket ${entity}.`,
  }),
  request_bucket_access: ({ inputs: i, entity, by }) => ({
    steps: [`Granting ${by} ${i.access} access to ${entity} until ${hoursFromNow(i.hours)} (an IAM policy that expires)…`],
    summary: `${by} has ${i.access} access to ${entity} for ${i.hours} h.`,
  }),

  // ---- sre ----
  update_pod_count: ({ inputs: i, entity, properties: p }) => ({
    steps: [
      `kubectl scale deployment/${entity} -n ${p.namespace} --replicas=${i.replicas} (was ${p.replicas})`,
      `${i.replicas} of ${i.replicas} pods ready`,
    ],
    update: { properties: { replicas: i.replicas } },
    summary: `${entity} runs ${i.replicas} pods.`,
  }),
  update_auto_scaling_group: ({ inputs: i, entity, properties: p }) => ({
    refuse:
      i.minSize > i.maxSize
        ? `The minimum size (${i.minSize}) is above the maximum (${i.maxSize})`
        : i.desiredCapacity < i.minSize || i.desiredCapacity > i.maxSize
          ? `The desired capacity (${i.desiredCapacity}) must be between ${i.minSize} and ${i.maxSize}`
          : null,
    steps: [
      `UpdateAutoScalingGroup ${entity}: min ${i.minSize}, max ${i.maxSize}, desired ${i.desiredCapacity}`,
      i.instanceType !== p.instanceType ? `Instance refresh: ${p.instanceType} → ${i.instanceType}…` : null,
    ],
    update: { properties: { minSize: i.minSize, maxSize: i.maxSize, desiredCapacity: i.desiredCapacity, instanceType: i.instanceType } },
    summary: `${entity}: ${i.minSize}–${i.maxSize}, ${i.desiredCapacity} desired.`,
  }),
  run_incident_runbook: ({ inputs: i, entity, properties: p }) => {
    const steps = String(p.steps ?? "Run the automation")
      .split("\n")
      .map((line) => line.replace(/^\s*\d+\.\s*/, "").trim())
      .filter(Boolean);
    return {
      steps: [
        `${i.incident} (${i.severity}): ${i.dryRun ? "rehearsing" : "running"} ${entity}`,
        ...steps.map((s) => `${i.dryRun ? "[dry run] " : ""}${s}`),
        i.notifyChannel ? `Posted an update to ${i.notifyChannel}` : null,
      ],
      summary: `${i.dryRun ? "Rehearsed" : "Ran"} ${entity} for ${i.incident}.`,
    };
  },

  // ---- data-engineering ----
  run_airflow_dag: ({ inputs: i, entity }) => ({
    steps: [
      `POST /api/v1/dags/${entity}/dagRuns (logical date ${i.logicalDate ?? "now"}, conf ${JSON.stringify(i.conf ?? {})})`,
      ...(i.waitForCompletion ? ["extract: success", "transform: success", "load: success"] : ["Queued; not waiting for it"]),
    ],
    update: { properties: { lastRunState: i.waitForCompletion ? "success" : "queued", lastRunAt: new Date().toISOString() } },
    summary: `Ran ${entity}.`,
  }),
  add_table_column: ({ inputs: i, entity, properties: p }) => ({
    refuse: (p.columns ?? []).includes(i.column) ? `${entity} already has a column ${i.column}` : null,
    steps: [
      `ALTER TABLE ${entity} ADD COLUMN ${i.column} ${i.dataType}${i.nullable ? "" : ` NOT NULL DEFAULT '${i.defaultValue}'`}`,
      "Migration reviewed and applied",
    ],
    update: { properties: { columns: [...(p.columns ?? []), i.column] } },
    summary: `Added ${i.column} to ${entity}.`,
  }),
  remove_table_column: ({ inputs: i, entity, properties: p }) => ({
    refuse: (p.columns ?? []).includes(i.column) ? null : `${entity} has no column ${i.column}`,
    steps: [`ALTER TABLE ${entity} DROP COLUMN ${i.column}`],
    update: { properties: { columns: (p.columns ?? []).filter((c) => c !== i.column) } },
    summary: `Dropped ${i.column} from ${entity}.`,
  }),
  duplicate_table: ({ inputs: i }) => {
    const source = i.source ?? {};
    const rows = i.withData ? Math.min(i.rowLimit, source.properties?.rowCount ?? 0) : 0;
    const target = `${i.targetSchema}.${i.name}`;
    return {
      steps: [`CREATE TABLE ${target} LIKE ${source.identifier}`, i.withData ? `Copying ${rows} rows…` : "Structure only, no rows"],
      create: {
        identifier: target,
        title: target,
        properties: {
          schema: i.targetSchema,
          columns: source.properties?.columns ?? [],
          rowCount: rows,
          containsPii: Boolean(source.properties?.containsPii),
        },
        relations: {},
      },
      summary: `Copied ${source.identifier} to ${target}.`,
    };
  },

  // ---- back-office ----
  create_customer: ({ inputs: i }) => ({
    steps: [`Creating tenant ${i.identifier} in ${i.region}…`, `Billing: ${i.plan} plan${i.seats ? `, ${i.seats} seats` : ""}`],
    create: {
      identifier: i.identifier,
      title: i.name,
      properties: {
        plan: i.plan,
        seats: i.seats ?? 1,
        region: i.region,
        softwareVersion: LATEST_RELEASE,
        accountManager: i.accountManager,
        configuration: {},
      },
      relations: {},
    },
    summary: `Created customer ${i.name}.`,
  }),
  change_customer_configuration: ({ inputs: i, entity, properties: p }) => {
    const configuration = {
      ...(p.configuration ?? {}),
      ssoEnforced: i.ssoEnforced,
      apiRateLimit: i.apiRateLimit,
      auditLogRetentionDays: i.auditLogRetentionDays,
    };
    return {
      steps: [`Updating ${entity}'s tenant settings: ${JSON.stringify(configuration)}`],
      update: { properties: { configuration } },
      summary: `Updated ${entity}'s configuration.`,
    };
  },
  update_customer_software_version: ({ inputs: i, entity, properties: p }) => ({
    steps: [`Scheduling ${entity}: ${p.softwareVersion ?? "?"} → ${i.version} (${i.window})…`, "Tenant migrated; health checks green"],
    update: { properties: { softwareVersion: i.version } },
    summary: `${entity} runs ${i.version}.`,
  }),
  change_plan_tier: ({ inputs: i, entity, properties: p }) => ({
    steps: [`Billing: ${entity} moves from ${p.plan} to ${i.plan} on ${i.effectiveFrom}`, "Prorated invoice line created"],
    update: { properties: { plan: i.plan, ...(i.seats ? { seats: i.seats } : {}) } },
    summary: `${entity} is on the ${i.plan} plan from ${i.effectiveFrom}.`,
  }),
  delete_customer: ({ inputs: i, entity }) => ({
    steps: [
      i.exportData ? `Exporting ${entity}'s data to s3://exports/${entity}/…` : null,
      `Closing tenant ${entity} and its billing account…`,
    ],
    remove: true,
    summary: `Deleted customer ${entity}.`,
  }),

  // ---- machine-learning ----
  train_model: ({ inputs: i }) => ({
    steps: [
      `Training ${i.name} (${i.framework}) on ${i.dataset} with a ${i.gpu} GPU: ${i.epochs} epochs, learning rate ${i.learningRate}`,
      `Epoch ${i.epochs}/${i.epochs}: validation accuracy 0.84 (pretend)`,
      "Registered the model in development",
    ],
    create: {
      identifier: i.name,
      title: i.name,
      properties: { framework: i.framework, stage: "development", version: "0.1.0", accuracy: 0.84, dataset: i.dataset },
      relations: {},
    },
    summary: `Trained ${i.name}.`,
  }),
  deploy_model: ({ inputs: i, entity }) => ({
    steps: [`Serving ${entity} in ${i.environment}: ${i.replicas} replicas, GPU ${i.gpu}…`, "Endpoint healthy"],
    update: { properties: { stage: i.environment, endpoint: `https://ml.example.com/${entity}` } },
    summary: `${entity} serves in ${i.environment}.`,
  }),
  route_ab_traffic: ({ inputs: i, entity }) => ({
    steps: [`Routing ${i.percent}% of ${entity}'s traffic to ${id(i.challenger)} for ${i.hours} h…`, "Experiment started"],
    update: { properties: { challengerTraffic: i.percent }, relations: { challenger: id(i.challenger) } },
    summary: `${i.percent}% of ${entity}'s traffic goes to ${id(i.challenger)}.`,
  }),
  revert_model: ({ inputs: i, entity }) => ({
    steps: [`Serving ${entity} ${i.toVersion} again…`, "Ended any A/B experiment on it"],
    update: { properties: { version: i.toVersion, challengerTraffic: 0 }, relations: { challenger: null } },
    summary: `${entity} is back on ${i.toVersion}.`,
  }),
  spin_up_notebook: ({ inputs: i, by }) => ({
    steps: [`Starting Jupyter (${i.image}, GPU ${i.gpu}) for ${by}…`, `Stops in ${i.hours} h`],
    create: {
      identifier: i.name,
      title: i.name,
      properties: { owner: by, image: i.image, gpu: i.gpu, url: `http://${i.name}.notebooks.localhost`, expiresAt: hoursFromNow(i.hours) },
      relations: {},
    },
    summary: `Notebook ${i.name} is running for ${i.hours} h.`,
  }),
};

/**
 * The portal API call that makes a plan's catalog change, or null when the plan changes nothing:
 * {method, path, body, note (a log line), shows (the entity to link the run to; null after a delete)}.
 * `blueprint` and `entity` are the run's (`context.blueprint`, `context.entity`).
 */
export function catalogChange(plan, { blueprint, entity, runId }) {
  const linked = `run_id=${enc(runId)}`;
  if (plan.create) {
    const { blueprint: target = blueprint, ...body } = plan.create;
    return {
      method: "POST",
      path: `/v1/blueprints/${enc(target)}/entities?upsert=true&${linked}`,
      body,
      note: `Created ${target} '${body.identifier}' (linked to this run)`,
      shows: { blueprint: target, identifier: body.identifier },
    };
  }
  if (!entity) return null;
  const at = `/v1/blueprints/${enc(blueprint)}/entities/${enc(entity)}`;
  if (plan.remove) return { method: "DELETE", path: at, body: undefined, note: `Deleted ${blueprint} '${entity}'`, shows: null };
  if (plan.update) {
    const changed = Object.keys({ ...plan.update.properties, ...plan.update.relations }).join(", ");
    return {
      method: "PATCH",
      path: `${at}?${linked}`,
      body: plan.update,
      note: `Updated ${blueprint} '${entity}': ${changed}`,
      shows: { blueprint, identifier: entity },
    };
  }
  return null;
}
