import { z } from "zod";
import { type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import type { ScorecardDefinition } from "./definition";

/**
 * An initiative names a scorecard target — a level, or a set of its rules — a target date, an owner, and
 * optionally the teams in scope. Progress is the share of the scorecard's entities (in those teams) that
 * meet the target.
 */
export const initiativeBodySchema = z.strictObject({
  identifier: z
    .string({ error: "is required" })
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and -"),
  title: z.string({ error: "is required" }).min(1, "must not be empty").max(200),
  description: z.string().max(5000).optional(),
  blueprint: z.string({ error: "is required" }),
  scorecard: z.string({ error: "is required" }),
  target: z.union([z.strictObject({ level: z.string().min(1) }), z.strictObject({ rules: z.array(z.string()).min(1).max(30) })], {
    error: 'must be {level: "<level title>"} or {rules: ["<rule identifier>", …]}',
  }),
  targetDate: z.iso.date({ error: "must be a date such as 2027-03-31" }),
  /** Who drives it: a team name or a person's email. */
  owner: z.string({ error: "is required" }).min(1).max(254),
  /** Only entities owned by these teams count (all scored entities when empty). */
  teams: z.array(z.string().max(200)).max(100).default([]),
});

export type InitiativeDefinition = z.infer<typeof initiativeBodySchema>;

/** Parses an initiative and checks its target against the scorecard; throws a 400 naming each problem. */
export function parseInitiative(
  raw: unknown,
  scorecard: (bp: string, id: string) => ScorecardDefinition | undefined,
): InitiativeDefinition {
  const parsed = initiativeBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const i = parsed.data;
  const s = scorecard(i.blueprint, i.scorecard);
  const problems: ErrorDetail[] = [];
  if (!s) problems.push({ path: "scorecard", message: `'${i.scorecard}' is not a scorecard of blueprint '${i.blueprint}'` });
  else if ("level" in i.target) {
    const levels = s.levels.map((l) => l.title);
    if (!levels.includes(i.target.level)) problems.push({ path: "target.level", message: `must be one of ${levels.join(", ")}` });
  } else {
    const rules = new Set(s.rules.map((r) => r.identifier));
    i.target.rules.forEach((r, n) => {
      if (!rules.has(r)) problems.push({ path: `target.rules.${n}`, message: `'${r}' is not a rule of '${i.scorecard}'` });
    });
  }
  if (problems.length > 0) throw invalid(problems);
  return i;
}
