import { Layout, type Viewer } from "../layout";

/** A full error page for browser routes (the JSON API answers errors as JSON instead). */
export function ErrorPage(props: { viewer?: Viewer | undefined; status: number; message: string; requestId: string | undefined }) {
  return (
    <Layout viewer={props.viewer} title={`Error ${props.status}`}>
      <section class="error">
        <h1>{props.status === 404 ? "Not found" : `Error ${props.status}`}</h1>
        <p>{props.message}</p>
        {props.requestId ? <p class="muted">Request id: {props.requestId}</p> : null}
        <p>
          <a href="/">Back to the catalog</a>
        </p>
      </section>
    </Layout>
  );
}
