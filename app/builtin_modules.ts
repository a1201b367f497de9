// The built-in modules: what public/samples/ ships (the klp_demo_* modules built from
// sample_sources/, a Debian module), listed in public/samples/index.json (format documented in
// public/samples/debian/README.md). The UI calls them "built-in samples"; their ids are the
// `?sample=<id>` of links in the wild and the `{ kind: 'sample', id }` of a RunRequest. Fetched
// from the app's own origin, relative to its base URL.

export interface BuiltinModule {
  id: string;
  /** Path relative to public/samples/. */
  file: string;
  title: string;
  description: string;
}

/** public/samples/index.json */
interface BuiltinManifest {
  samples: BuiltinModule[];
}

export function builtinUrl(path: string): string {
  return new URL(`samples/${path}`, new URL(import.meta.env.BASE_URL, document.baseURI)).href;
}

function isBuiltin(value: unknown): value is BuiltinModule {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.file === 'string' && typeof v.title === 'string';
}

export async function fetchBuiltinModules(): Promise<BuiltinModule[]> {
  const response = await fetch(builtinUrl('index.json'));
  if (!response.ok) throw new Error(`samples/index.json: HTTP ${response.status}`);
  const json = (await response.json()) as Partial<BuiltinManifest>;
  const list = Array.isArray(json.samples) ? json.samples : [];
  return list
    .filter(isBuiltin)
    .map((s) => ({ ...s, description: typeof s.description === 'string' ? s.description : '' }));
}

export async function fetchBuiltinBytes(sample: BuiltinModule): Promise<ArrayBuffer> {
  const response = await fetch(builtinUrl(sample.file));
  if (!response.ok) throw new Error(`samples/${sample.file}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** The built-in module named by `?sample=<id>`, else the first one. */
export function defaultBuiltin(builtins: BuiltinModule[], search: string): BuiltinModule | undefined {
  const wanted = new URLSearchParams(search).get('sample');
  return builtins.find((s) => s.id === wanted) ?? builtins[0];
}
