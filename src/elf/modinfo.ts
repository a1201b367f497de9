// `.modinfo`: NUL-separated "key=value" strings (get_next_modinfo(), kernel/module/main.c 6.1).
import { cString } from './strings.ts';
import type { ModinfoEntry } from './types.ts';

export function readModinfo(data: Uint8Array): ModinfoEntry[] {
  const entries: ModinfoEntry[] = [];
  for (let p = 0; p < data.length; ) {
    if (data[p] === 0) {
      p++; // padding between entries
      continue;
    }
    const s = cString(data, p);
    const eq = s.indexOf('=');
    entries.push(eq < 0 ? { key: s, value: '' } : { key: s.slice(0, eq), value: s.slice(eq + 1) });
    const end = data.indexOf(0, p);
    p = end < 0 ? data.length : end + 1;
  }
  return entries;
}

/** get_modinfo(): the first entry with that key. */
export function getModinfo(entries: ModinfoEntry[], key: string): string | undefined {
  return entries.find((e) => e.key === key)?.value;
}
