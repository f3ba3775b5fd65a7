import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** One ordered log line of a run. */
export interface RunLogLine {
  seq: number;
  at: string;
  message: string;
}

/**
 * One object per action run (`idFromName(runId)`). For now it keeps the run's ordered log in its own
 * SQLite storage; the run state machine, live subscribers and deadlines arrive with self-service actions.
 */
export class RunObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, message TEXT NOT NULL)",
      );
    });
  }

  /** Appends a line and returns it with its sequence number. */
  appendLog(message: string): RunLogLine {
    const at = new Date().toISOString();
    const row = this.ctx.storage.sql.exec<{ seq: number }>("INSERT INTO log (at, message) VALUES (?, ?) RETURNING seq", at, message).one();
    return { seq: row.seq, at, message };
  }

  /** Lines after `afterSeq`, oldest first. */
  readLog(afterSeq = 0): RunLogLine[] {
    return this.ctx.storage.sql
      .exec<{ seq: number; at: string; message: string }>("SELECT seq, at, message FROM log WHERE seq > ? ORDER BY seq", afterSeq)
      .toArray();
  }
}
