import { randomToken } from "../../lib/ids";

function timePrefix(now: Date): string {
  return now.getTime().toString(36).padStart(9, "0");
}

/** A sortable run id: `r_` + milliseconds in base 36 (fixed width) + randomness. */
export function newRunId(now: Date): string {
  return `r_${timePrefix(now)}${randomToken(10)}`;
}

/** A sortable delivery id; also the `webhook-id` a receiver dedupes on. */
export function newDeliveryId(now: Date): string {
  return `d_${timePrefix(now)}${randomToken(10)}`;
}
