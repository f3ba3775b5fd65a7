import { AppError } from "./errors";

/** Where and why a JSON text stops being valid. */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/**
 * Parses a request body as JSON. On failure throws a 400 `invalid_json` that names the line, column and
 * the character found — with a hint when it is a typographic quote pasted from a document, the most common
 * way a copied Port example breaks.
 *
 * @example parseJsonBody('{"a": 1}') // → {a: 1}
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const problem = locateJsonSyntaxError(text) ?? { offset: 0, line: 1, column: 1, message: "invalid JSON" };
    const where = `line ${problem.line}, column ${problem.column} (offset ${problem.offset})`;
    throw new AppError(400, "invalid_json", `Request body is not valid JSON: ${problem.message} at ${where}`, [
      { path: "", message: `${problem.message} at ${where}` },
    ]);
  }
}

const TYPOGRAPHIC_QUOTES: Record<string, string> = {
  "\u201c": "“ (U+201C left double quotation mark)",
  "\u201d": "” (U+201D right double quotation mark)",
  "\u2018": "‘ (U+2018 left single quotation mark)",
  "\u2019": "’ (U+2019 right single quotation mark)",
};

/**
 * Scans `text` and reports the first position where it is not JSON, or null when it is valid.
 * JSON.parse's own messages carry no position in current V8, so we find it ourselves (only on failure).
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { at: i });
  };
  const describe = (ch: string | undefined): string => {
    if (ch === undefined) return "unexpected end of input";
    const quote = TYPOGRAPHIC_QUOTES[ch];
    if (quote) return `typographic quote ${quote} where JSON needs a straight double quote (")`;
    return `unexpected character ${JSON.stringify(ch)}`;
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(describe(text[i]));
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === "\\") {
        const esc = text[i + 1];
        if (esc === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("invalid \\u escape");
          i += 6;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i += 2;
        else fail("invalid escape sequence");
      } else if (ch < " ") fail("unescaped control character in string");
      else i++;
    }
    fail("unterminated string");
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(describe(text[i]));
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail("nesting deeper than 512 levels");
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(text[i])}`);
        string();
        ws();
        if (text[i] !== ":") fail(`expected ':' after property name, found ${describe(text[i])}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail(`expected ',' or '}', found ${describe(text[i])}`);
      }
    }
    if (ch === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail(`expected ',' or ']', found ${describe(text[i])}`);
      }
    }
    if (ch === '"') string();
    else if (ch === "t") literal("true");
    else if (ch === "f") literal("false");
    else if (ch === "n") literal("null");
    else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) number();
    else fail(describe(ch));
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected content after the JSON value: ${describe(text[i])}`);
    return null;
  } catch (e) {
    const at = (e as { at?: number }).at ?? i;
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    return { offset: at, line, column, message: (e as Error).message };
  }
}
