import { startSyncStubs } from "./server.mjs";

/** Starts the integration sources once for the whole run; tests read the URL with inject("syncStubUrl"). */
export default async function setup(project) {
  const { server, url } = await startSyncStubs();
  project.provide("syncStubUrl", url);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
