// Start-up, once, from main.tsx before the first render. The link the page was opened with
// decides the first view, the explainer's first request and what of the link is still to do
// (start_link.ts); then the first work starts: the list of built-in modules and, in the full app,
// the module the inspector opens on (the link's, ?sample=<id>, or the first); in an embed, the
// linked run. Nothing else reads `location` at start-up, and no module works at import time.
import { type Decoded, decodeLocation } from '../src/permalink/permalink.ts';
import { defaultBuiltin, fetchBuiltinModules } from './builtin_modules.ts';
import { explainStore } from './explain/state/explain_store.ts';
import { DEFAULT_SOURCE } from './explain/state/request.ts';
import { startOf } from './permalink/link_state.ts';
import { startInspector, startLink } from './permalink/start_link.ts';
import { useKlp } from './store.ts';

/** The parts of the page's URL a link lives in. */
export interface Where {
  search: string;
  hash: string;
}

export function boot(where: Where = location): Decoded {
  const link = decodeLocation(where.search, where.hash);
  const start = startOf(link);
  startLink.setState({ link, ...start.pending, warnings: link.warnings });
  useKlp.setState({ view: start.view });
  explainStore.setState({ source: start.source ?? DEFAULT_SOURCE });
  if (!link.state.embed) void openFirstModule(where.search);
  // An embed naming the embedder's own file only says so: files are never uploaded.
  else if (!start.pending.missing.length) void runEmbed();
  return link;
}

const listError = (e: unknown) => `Could not list the built-in samples: ${e instanceof Error ? e.message : String(e)}`;

/** The inspector's first module: the permalink's (a built-in one; a user's file is asked for again), else ?sample= or the first. */
async function openFirstModule(search: string): Promise<void> {
  const { setBuiltins, openBuiltin } = useKlp.getState();
  try {
    const builtins = await fetchBuiltinModules();
    setBuiltins(builtins);
    const linked = startInspector();
    const open = linked.open;
    const first =
      open?.kind === 'sample'
        ? (builtins.find((s) => s.id === open.id) ?? defaultBuiltin(builtins, search))
        : defaultBuiltin(builtins, search);
    // A file the user opened meanwhile wins.
    if (first && useKlp.getState().seq === 0) {
      await openBuiltin(first);
      if (open?.kind === 'sample') restoreInspector(linked);
    }
  } catch (e) {
    useKlp.setState({ error: { kind: 'app-error', message: listError(e) } });
  }
}

/** The permalink's tab and selections in the inspector. */
function restoreInspector(linked: ReturnType<typeof startInspector>): void {
  const s = useKlp.getState();
  if (linked.relsec !== undefined) s.showRelocations(linked.relsec);
  if (linked.tab) s.setTab(linked.tab as Parameters<typeof s.setTab>[0]);
  if (linked.section !== undefined) s.selectSection(linked.section);
  if (linked.symbol !== undefined) s.selectSymbol(linked.symbol);
}

/** An embed shows the linked run (else the default one) and nothing else. */
async function runEmbed(): Promise<void> {
  try {
    useKlp.getState().setBuiltins(await fetchBuiltinModules());
    const s = explainStore.getState();
    if (s.status.kind === 'idle') await s.run();
  } catch (e) {
    explainStore.setState({ status: { kind: 'error', message: listError(e) } });
  }
}
