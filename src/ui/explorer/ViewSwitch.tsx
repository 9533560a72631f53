/**
 * The page's two views: the style transfer and "Explore the network". The view lives in the URL
 * hash (#explore), so it survives a reload and can be linked. The style view stays mounted while
 * hidden: its preview canvas belongs to the style worker, and a run goes on meanwhile.
 */
import { lazy, Suspense, useSyncExternalStore } from 'react';
import './view.css';

export type View = 'main' | 'explorer';

const EXPLORE_HASH = '#explore';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useView(): View {
  return useSyncExternalStore(subscribe, () =>
    location.hash === EXPLORE_HASH ? 'explorer' : 'main',
  );
}

/** Two links styled as tabs: plain links keep Back/Forward and keyboard use for free. */
export function ViewNav({ view }: { view: View }) {
  return (
    <nav className="view-nav" aria-label="Views">
      <a href="#" aria-current={view === 'main' ? 'page' : undefined}>
        Style transfer
      </a>
      <a href={EXPLORE_HASH} aria-current={view === 'explorer' ? 'page' : undefined}>
        Explore the network
      </a>
    </nav>
  );
}

// Loaded on first use: the explorer's code (and its worker) costs nothing until the view opens.
const ExplorerView = lazy(() => import('./ExplorerView'));

export function LazyExplorer() {
  return (
    <Suspense fallback={<p role="status">Loading the explorer…</p>}>
      <ExplorerView />
    </Suspense>
  );
}
