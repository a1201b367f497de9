// The module worker under the page's Content-Security-Policy. The policy is a <meta> tag (a static
// host sends no headers), and a dedicated worker loaded from an http(s) URL takes its policy from
// its own response headers only — none — so it could fetch, import or open a WebSocket anywhere
// (HTML "initialize a worker policy container"; Chromium since "[CSP] Fix dedicated worker
// inheritance", M96). A worker whose URL is local (blob:) inherits its creator's policy instead:
// the worker is started from a one-line blob module that imports the real, same-origin script.
import workerUrl from './module.worker.ts?worker&url';

export function spawnModuleWorker(): Worker {
  const script = new URL(workerUrl, document.baseURI).href;
  const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(script)};\n`], { type: 'text/javascript' }));
  const worker = new Worker(boot, { type: 'module', name: 'klp-lab module worker' });
  // The worker has fetched its boot script by the time it answers; a minute is ample either way.
  setTimeout(() => URL.revokeObjectURL(boot), 60_000);
  return worker;
}
