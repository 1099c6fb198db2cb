import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, currentKey, onAuthChange, signIn, signOut } from "./api";
import { PAGES } from "./pages";
import { followInbox, useInboxPulse } from "./pulse";
import { Link, match, navigate, usePath } from "./router";
import { ErrorText, LiveRegion } from "./ui";

const SignIn = () => {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = "Sign in · Outreach console";
  }, []);
  return (
    <main id="main" class="signin">
      <h1>Outreach console</h1>
      <p>Sign in with an API key. It is kept in this tab only and forgotten when you sign out or close it.</p>
      <form
        class="card"
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            // Any valid key may read the usage: it proves the key without needing a scope.
            const res = await fetch("/api/v2/usage/current", { headers: { "X-API-Key": key.trim() } });
            if (!res.ok) {
              const body = await res.json().catch(() => undefined);
              throw new ApiError(res.status, body?.error?.code ?? "auth", body?.error?.message ?? "That key was not accepted.");
            }
            signIn(key.trim());
            setKey("");
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label class="field">
          <span class="label">API key</span>
          <input name="api-key" type="password" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ErrorText error={error} />
      </form>
      <p class="muted">
        Locally, <code>npm start</code> prints a development key and writes it to <code>.data/dev-api-key</code>.
      </p>
    </main>
  );
};

const NotFound = () => (
  <>
    <h1>Not found</h1>
    <p>
      No page here. <Link to="/sessions">Go to sessions</Link>.
    </p>
  </>
);

/** Conversations waiting for an answer, for the menu: the inbox's changes stream, followed while signed in. */
const useUnanswered = (signedIn: boolean) => {
  useEffect(() => {
    if (!signedIn) return;
    const ctl = new AbortController();
    void followInbox(ctl.signal);
    return () => ctl.abort();
  }, [signedIn]);
  const p = useInboxPulse();
  return signedIn && p ? (p.unanswered_capped ? 100 : p.unanswered) : 0;
};

const App = () => {
  const [signedIn, setSignedIn] = useState(Boolean(currentKey()));
  const path = usePath();
  const [menu, setMenu] = useState(false);
  const unanswered = useUnanswered(signedIn);
  useEffect(() => setMenu(false), [path]);
  useEffect(() => onAuthChange(() => setSignedIn(Boolean(currentKey()))), []);
  useEffect(() => {
    if (path === "/") navigate("/sessions", { replace: true });
  }, [path]);
  if (!signedIn) return <SignIn />;
  let page = null;
  for (const p of PAGES) {
    const params = match(p.path, path);
    if (params) {
      page = <p.component key={path} params={params} />;
      break;
    }
  }
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Outreach</span>
        <button type="button" class="secondary menu-button" aria-expanded={menu} aria-controls="main-menu" onClick={() => setMenu(!menu)}>
          Menu
        </button>
        <nav aria-label="Main" id="main-menu" class={menu ? "open" : undefined}>
          <ul>
            {PAGES.filter((p) => p.nav).map((p) => (
              <li key={p.path}>
                <Link
                  to={p.path}
                  aria-current={path === p.path || path.startsWith(`${p.path}/`) ? "page" : undefined}
                  aria-describedby={p.path === "/inbox" && unanswered ? "unanswered-count" : undefined}
                >
                  {p.nav}
                  {p.path === "/inbox" && unanswered ? (
                    <span class="count" aria-hidden="true">
                      {unanswered >= 100 ? "99+" : unanswered}
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
          <span id="unanswered-count" hidden>
            {unanswered >= 100 ? "100 or more" : unanswered} unanswered
          </span>
        </nav>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        {page ?? <NotFound />}
        <LiveRegion key={path} />
      </main>
    </>
  );
};

render(<App />, document.getElementById("app")!);
