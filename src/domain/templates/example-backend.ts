/**
 * What template actions are wired to out of the box: the example backend (examples/backend,
 * `npm run example:backend` on :8788), which verifies the signatures, streams log lines, writes what the
 * action changes to the catalog and reports SUCCESS — so every template action runs end to end locally.
 * After applying a template, point an action at your own backend by editing its invocation.
 */

/** The example backend's webhook URL. */
export const EXAMPLE_BACKEND_URL = "http://localhost:8788/";

/** Port's WEBHOOK invocation at the example backend, with Port's default body (what the backend reads). */
export function exampleWebhook(): { type: "WEBHOOK"; url: string } {
  return { type: "WEBHOOK", url: EXAMPLE_BACKEND_URL };
}

const ADMINS_APPROVE = { roles: ["Admin"], users: [], teams: [] };

/** Every signed-in member (and admins) may run the action; admins approve it when it needs approval. */
export function membersMayExecute() {
  return { execute: { roles: ["Admin", "Member"], users: [], teams: [], ownedByTeam: false }, approve: { ...ADMINS_APPROVE } };
}

/** Only admins may run the action (it changes what customers get, or removes something for good). */
export function adminsMayExecute() {
  return { execute: { roles: ["Admin"], users: [], teams: [], ownedByTeam: false }, approve: { ...ADMINS_APPROVE } };
}
