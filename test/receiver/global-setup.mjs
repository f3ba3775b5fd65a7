import { startReceiver } from "./server.mjs";

/** Starts the test receiver once for the whole run; tests read its URL with inject("receiverUrl"). */
export default async function setup(project) {
  const { server, url } = await startReceiver();
  project.provide("receiverUrl", url);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
