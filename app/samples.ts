// The built-in sample modules, listed in public/samples/index.json (format documented in
// public/samples/debian/README.md). Fetched from the app's own origin, relative to its base URL.

export interface Sample {
  id: string;
  /** Path relative to public/samples/. */
  file: string;
  title: string;
  description: string;
}

export interface SampleManifest {
  samples: Sample[];
}

export function samplesUrl(path: string): string {
  return new URL(`samples/${path}`, new URL(import.meta.env.BASE_URL, document.baseURI)).href;
}

function isSample(value: unknown): value is Sample {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.file === 'string' && typeof v.title === 'string';
}

export async function fetchSampleManifest(): Promise<Sample[]> {
  const response = await fetch(samplesUrl('index.json'));
  if (!response.ok) throw new Error(`samples/index.json: HTTP ${response.status}`);
  const json = (await response.json()) as Partial<SampleManifest>;
  const list = Array.isArray(json.samples) ? json.samples : [];
  return list
    .filter(isSample)
    .map((s) => ({ ...s, description: typeof s.description === 'string' ? s.description : '' }));
}

export async function fetchSampleBytes(sample: Sample): Promise<ArrayBuffer> {
  const response = await fetch(samplesUrl(sample.file));
  if (!response.ok) throw new Error(`samples/${sample.file}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** The sample named by `?sample=<id>`, else the first one. */
export function defaultSample(samples: Sample[], search: string = location.search): Sample | undefined {
  const wanted = new URLSearchParams(search).get('sample');
  return samples.find((s) => s.id === wanted) ?? samples[0];
}
