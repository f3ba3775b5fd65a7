import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way AWS does, written from the
 * specification (not with the library the Worker signs with), so the test proves the Worker's signature is
 * what AWS would accept. Returns null when valid, else why not.
 */

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

function encode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(searchParams) {
  return [...searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/**
 * @param {{ method: string, url: URL, headers: Record<string, string>, body: string }} req
 * @param {(accessKeyId: string) => string | undefined} secretFor
 * @param {{ service: string, now?: number }} opts
 */
export function verifySigV4(req, secretFor, opts) {
  const auth = req.headers.authorization ?? "";
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return "no AWS4-HMAC-SHA256 Authorization header";
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  if (service !== opts.service) return `signed for service ${service}, not ${opts.service}`;
  const secret = secretFor(accessKeyId);
  if (!secret) return `unknown access key ${accessKeyId}`;
  const amzDate = req.headers["x-amz-date"] ?? "";
  if (!amzDate.startsWith(date)) return "x-amz-date does not match the credential scope date";
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!(Math.abs((opts.now ?? Date.now()) - signedAt) < 15 * 60_000)) return "signature expired or from the future";
  const names = signedHeaders.split(";");
  for (const required of ["host", "x-amz-date"]) if (!names.includes(required)) return `${required} is not signed`;
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonicalRequest = [
    req.method,
    req.url.pathname.split("/").map(encode).join("/") || "/",
    canonicalQuery(req.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    req.headers["x-amz-content-sha256"] ?? sha256(req.body),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "signature does not match";
  return null;
}
