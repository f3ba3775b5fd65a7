import type { ErrorDetail } from "../../src/lib/errors";
import { Layout, type Viewer } from "../layout";

interface ErrorProps {
  status: number;
  message: string;
  details: ErrorDetail[];
  requestId: string | undefined;
}

/** What a person sees for each kind of failure: a plain title, and what they can do next. */
function explain(status: number, signedIn: boolean): { title: string; advice: string } {
  if (status === 401) return { title: "Please sign in", advice: "Your session has ended or you are not signed in." };
  if (status === 403)
    return {
      title: "You don't have access to this",
      advice: signedIn
        ? "Access follows your roles and teams. Ask the owning team or a portal admin if you need it."
        : "Sign in to see whether your account has access.",
    };
  if (status === 404) return { title: "We couldn't find that", advice: "It may have been deleted or renamed, or the link is wrong." };
  if (status === 409) return { title: "Someone changed this in the meantime", advice: "Reload the page to see the latest version." };
  if (status === 429) return { title: "Too many requests", advice: "Wait a moment and try again." };
  if (status >= 500)
    return {
      title: "Something went wrong on our side",
      advice: "Try again in a moment. If it keeps happening, send the request id below to your platform team.",
    };
  return { title: "That didn't work", advice: "Check what was sent and try again." };
}

function DetailList(props: { details: ErrorDetail[] }) {
  if (props.details.length === 0) return null;
  return (
    <ul class="details">
      {props.details.map((d) => (
        <li>
          {d.path ? <code>{d.path}</code> : null} {d.message}
        </li>
      ))}
    </ul>
  );
}

/** A full error page for browser routes (the JSON API answers errors as JSON instead). */
export function ErrorPage(props: ErrorProps & { viewer?: Viewer | undefined }) {
  const { title, advice } = explain(props.status, Boolean(props.viewer));
  return (
    <Layout viewer={props.viewer} title={title}>
      <section class="error error-page" aria-labelledby="error-title">
        <p class="muted small">Error {props.status}</p>
        <h1 id="error-title">{title}</h1>
        <p>{props.message}</p>
        <DetailList details={props.details} />
        <p class="muted">{advice}</p>
        {props.requestId ? <p class="muted small">Request id: {props.requestId}</p> : null}
        <p class="next-steps">
          <a href="/">Go to your home page</a>
          <a href="/catalog">Browse the catalog</a>
          {props.status === 401 || (props.status === 403 && !props.viewer) ? <a href="/login">Sign in</a> : null}
        </p>
      </section>
    </Layout>
  );
}

/** The short form of the same for an htmx fragment request: shown in the page's notice area (#flash). */
export function ErrorNotice(props: ErrorProps) {
  const { title } = explain(props.status, true);
  return (
    <div class="alert">
      <strong>{title}.</strong> {props.message}
      <DetailList details={props.details} />
      {props.requestId ? <span class="muted small"> (request {props.requestId})</span> : null}
    </div>
  );
}
