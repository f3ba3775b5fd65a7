import type { StoredScorecard } from "../../src/db/scorecard-store";
import { LevelBadge } from "./scorecard-charts";

/** The link to a scorecard's page. */
export function scorecardHref(blueprint: string, identifier: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}/scorecards/${encodeURIComponent(identifier)}`;
}

/** One entity's result in one scorecard, as `entityScorecards` returns it. */
export interface EntityScorecardResult {
  title: string;
  level: string;
  score: number;
  rules: { identifier: string; title: string; level: string; status: "SUCCESS" | "FAILURE"; exempt: boolean }[];
}

/** The entity page's "Scorecards" section: level and score per scorecard, the failing and exempt rules. */
export function EntityScorecards(props: {
  blueprint: string;
  results: Record<string, EntityScorecardResult>;
  definitions: StoredScorecard[];
}) {
  const entries = Object.entries(props.results);
  if (entries.length === 0) return null;
  return (
    <section class="scorecards">
      <h2>Scorecards</h2>
      {entries.map(([id, r]) => {
        const def = props.definitions.find((d) => d.identifier === id);
        const color = (title: string) => def?.levels.find((l) => l.title === title)?.color;
        const failing = r.rules.filter((rule) => rule.status === "FAILURE" && !rule.exempt);
        const exempt = r.rules.filter((rule) => rule.exempt);
        return (
          <div class="scorecard-result">
            <h3>
              <a href={scorecardHref(props.blueprint, id)}>{r.title}</a> <LevelBadge title={r.level} color={color(r.level)} />{" "}
              <span class="muted small">score {r.score}</span>
            </h3>
            {failing.length === 0 ? (
              <p class="muted small">Passes every rule.</p>
            ) : (
              <ul class="values failing-rules">
                {failing.map((rule) => (
                  <li>
                    <span class="rule-fail" aria-hidden="true">
                      ✗
                    </span>
                    <span class="visually-hidden">failing</span> {rule.title} <LevelBadge title={rule.level} color={color(rule.level)} />{" "}
                    <span class="muted small">fix: {rule.title}</span>
                  </li>
                ))}
              </ul>
            )}
            {exempt.length > 0 ? (
              <ul class="values exempt-rules">
                {exempt.map((rule) => (
                  <li>
                    <span class="badge rule-exempt">exempt</span> {rule.title} <LevelBadge title={rule.level} color={color(rule.level)} />
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

/** The blueprint page's list of its scorecards. */
export function BlueprintScorecards(props: { blueprint: string; scorecards: StoredScorecard[] }) {
  if (props.scorecards.length === 0) return null;
  return (
    <nav class="scorecard-links" aria-label="Scorecards">
      <span class="muted">Scorecards:</span>{" "}
      {props.scorecards.map((s, i) => (
        <>
          {i > 0 ? " · " : ""}
          <a href={scorecardHref(props.blueprint, s.identifier)}>{s.title}</a>
        </>
      ))}
    </nav>
  );
}
