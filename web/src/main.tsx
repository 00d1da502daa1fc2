import 'diff2html/bundles/css/diff2html.min.css';
import { StrictMode, Suspense, lazy, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { SessionInfo } from '../../src/ui/api-types.js';
import { ApiFailure, loadSession } from './api.js';
import { ErrorBox, Loading } from './components/common.js';
import { parseRoute, pageHref, type Route } from './lib/routes.js';
import { CatalogPage } from './pages/CatalogPage.js';
import { ReleasePage } from './pages/ReleasePage.js';
import { ReleasesPage } from './pages/ReleasesPage.js';
import { RollbackPage } from './pages/RollbackPage.js';
import './styles.css';

// The form (rjsf, CodeMirror) and the graph layout are most of the code: loaded when their page is opened, so the
// releases list comes up with the small first chunk.
const DeployPage = lazy(() => import('./pages/DeployPage.js').then((m) => ({ default: m.DeployPage })));
const GraphPage = lazy(() => import('./pages/GraphPage.js').then((m) => ({ default: m.GraphPage })));
const DiffPage = lazy(() => import('./pages/DiffPage.js').then((m) => ({ default: m.DiffPage })));

function focusHeading(): void {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Page({ route, session }: { readonly route: Route; readonly session: SessionInfo }) {
  switch (route.page) {
    case 'releases':
      return <ReleasesPage query={route.query} session={session} />;
    case 'release':
      return <ReleasePage {...route} />;
    case 'diff':
      return <DiffPage {...route} />;
    case 'rollback':
      return <RollbackPage {...route} />;
    case 'graph':
      return <GraphPage {...route} />;
    case 'deploy':
      return <DeployPage query={route.query} />;
    case 'catalog':
      return <CatalogPage query={route.query} />;
    case 'not-found':
      return (
        <main>
          <h1>Not found</h1>
          <p>
            There is no page <code>{route.path}</code>. <a href={pageHref('releases')}>Go to the releases.</a>
          </p>
        </main>
      );
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    loadSession().then(setSession, setError);
  }, []);
  // A new page moves the focus to its heading, as a page load would put screen readers and Tab at its start.
  useEffect(focusHeading, [route]);
  const current = route.page === 'release' || route.page === 'diff' || route.page === 'rollback' || route.page === 'graph' ? 'releases' : route.page;
  return (
    <>
      <button type="button" className="skip" onClick={focusHeading}>
        Skip to content
      </button>
      <header>
        <strong className="brand">Berth</strong>
        <nav aria-label="Sections">
          <a href={pageHref('releases')} aria-current={current === 'releases' ? 'page' : undefined}>Releases</a>
          <a href={pageHref('deploy')} aria-current={current === 'deploy' ? 'page' : undefined}>Deploy</a>
          <a href={pageHref('catalog')} aria-current={current === 'catalog' ? 'page' : undefined}>Catalog</a>
        </nav>
        {session && <span className="muted version">berth {session.version}</span>}
      </header>
      {error ? (
        <main>
          <h1>Cannot open the console</h1>
          <ErrorBox error={error} />
          {error instanceof ApiFailure && error.status === 401 && <p>Open the URL with the token that <code>berth ui</code> printed.</p>}
        </main>
      ) : session ? (
        <Suspense fallback={<main><Loading /></main>}>
          <Page route={route} session={session} />
        </Suspense>
      ) : (
        <main>
          <Loading />
        </main>
      )}
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
