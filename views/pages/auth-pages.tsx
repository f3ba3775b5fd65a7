import type { CredentialView } from "../../src/domain/identity/credentials";
import { relativeTime } from "../../src/lib/relative-time";
import { ShownOnce } from "../components/shown-once";
import { Layout, type Viewer } from "../layout";

function ErrorNote(props: { error: string | undefined }) {
  return props.error ? (
    <p class="alert" role="alert">
      {props.error}
    </p>
  ) : null;
}

/** The password a new account chooses, with the length the server requires. */
function NewPasswordField() {
  return (
    <label>
      Password (12 characters or more)
      <input type="password" name="password" required minlength={12} autocomplete="new-password" />
    </label>
  );
}

/** Sign-in form. `hint` tells a local developer where the demo admin's password is. */
export function LoginPage(props: {
  next: string;
  error?: string | undefined;
  email?: string | undefined;
  hint?: string | undefined;
  firstRun: boolean;
}) {
  return (
    <Layout title="Sign in">
      <section class="card narrow">
        <h1>Sign in</h1>
        {props.hint ? <p class="hint">{props.hint}</p> : null}
        {props.firstRun ? (
          <p class="hint">
            No admin exists yet: <a href="/setup">create the first admin</a>.
          </p>
        ) : null}
        <ErrorNote error={props.error} />
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label>
            Email
            <input type="email" name="email" required autocomplete="username" value={props.email ?? ""} />
          </label>
          <label>
            Password
            <input type="password" name="password" required autocomplete="current-password" />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}

/** First run: create the first admin (only while none exists). */
export function SetupPage(props: { error?: string | undefined; email?: string | undefined; name?: string | undefined }) {
  return (
    <Layout title="Create the first admin">
      <section class="card narrow">
        <h1>Welcome</h1>
        <p>Create the first admin of this portal. This page closes once an admin exists.</p>
        <ErrorNote error={props.error} />
        <form method="post" action="/setup">
          <label>
            Email
            <input type="email" name="email" required value={props.email ?? ""} />
          </label>
          <label>
            Name
            <input type="text" name="name" value={props.name ?? ""} />
          </label>
          <NewPasswordField />
          <button type="submit">Create admin and sign in</button>
        </form>
      </section>
    </Layout>
  );
}

/** Accepting an invitation: choose a name and password. */
export function InvitePage(props: { token: string; error?: string | undefined }) {
  return (
    <Layout title="Accept invitation">
      <section class="card narrow">
        <h1>Join the portal</h1>
        <ErrorNote error={props.error} />
        <form method="post" action="/invite">
          <input type="hidden" name="token" value={props.token} />
          <label>
            Name
            <input type="text" name="name" required />
          </label>
          <NewPasswordField />
          <button type="submit">Set password and sign in</button>
        </form>
      </section>
    </Layout>
  );
}

/** Personal API tokens: create (shown once), list, revoke. */
export function TokensPage(props: {
  viewer: Viewer;
  tokens: CredentialView[];
  created?: { token: string; name: string } | undefined;
  error?: string | undefined;
}) {
  const csrf = <input type="hidden" name="_csrf" value={props.viewer.csrfToken} />;
  return (
    <Layout viewer={props.viewer} title="API tokens">
      <h1>Personal API tokens</h1>
      <p class="muted">
        Use a token as <code>Authorization: Bearer &lt;token&gt;</code>. It acts as you, with your roles and teams.
      </p>
      {props.created ? (
        <ShownOnce class="created" secret={props.created.token}>
          <p>
            Token <strong>{props.created.name}</strong> created. Copy it now: it is not shown again.
          </p>
        </ShownOnce>
      ) : null}
      <ErrorNote error={props.error} />
      <form method="post" action="/settings/tokens" class="card inline-form">
        {csrf}
        <label>
          Name
          <input type="text" name="name" required maxlength={100} />
        </label>
        <label>
          Expires in (days, empty = never)
          <input type="number" name="expiresInDays" min={1} max={366} />
        </label>
        <button type="submit">Create token</button>
      </form>
      <table class="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((t) => (
            <tr>
              <td>{t.name}</td>
              <td>
                <code>{t.hint}</code>
              </td>
              <td>{relativeTime(t.createdAt)}</td>
              <td>{t.lastUsedAt ? relativeTime(t.lastUsedAt) : "never"}</td>
              <td>{t.expiresAt ? relativeTime(t.expiresAt) : "never"}</td>
              <td>
                {t.revokedAt ? (
                  <span class="muted">revoked</span>
                ) : (
                  <form method="post" action={`/settings/tokens/${encodeURIComponent(t.id)}/revoke`}>
                    {csrf}
                    <button type="submit" class="danger">
                      Revoke
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
