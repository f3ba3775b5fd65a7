import { AppError } from "../../lib/errors";
import { isAdmin, isModerator, type Principal } from "./principal";

/** A 403 that says which permission was missing (the error handler audits it). */
export function forbidden(message: string): AppError {
  return new AppError(403, "forbidden", message);
}

/** Only admins may `action` (e.g. "manage users"). */
export function requireAdmin(p: Principal, action: string): void {
  if (!isAdmin(p)) throw forbidden(`You need the Admin role to ${action}`);
}

/** Admins and the blueprint's moderators may `action` on blueprint `blueprint`. */
export function requireAdminOrModerator(p: Principal, blueprint: string, action: string): void {
  if (!isAdmin(p) && !isModerator(p, blueprint)) {
    throw forbidden(`You need the Admin or ${blueprint}-moderator role to ${action}`);
  }
}
