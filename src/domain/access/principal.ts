/** The authenticated user behind a request, with what access decisions need. */
export interface Principal {
  userId: string;
  email: string;
  name: string | null;
  roles: string[];
  teams: string[];
  /** How the request proved who it is. */
  via: "access-token" | "personal-token" | "session" | "cloudflare-access";
  /** The credential used (tokens), for audit and revocation. */
  credentialId?: string;
  /** The session's CSRF token (session requests only). */
  csrfToken?: string;
}

export const ADMIN_ROLE = "Admin";
export const MEMBER_ROLE = "Member";

export function isAdmin(p: Principal): boolean {
  return p.roles.includes(ADMIN_ROLE);
}

/** Port's per-blueprint moderator role name. */
export function moderatorRole(blueprint: string): string {
  return `${blueprint}-moderator`;
}

export function isModerator(p: Principal, blueprint: string): boolean {
  return p.roles.includes(moderatorRole(blueprint));
}
