/** `runtime/spec.json`: the spec of the last start, kept so an adopted instance can be restarted. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isInstanceId } from '../instance_id.js';
import type { InstanceSpec } from '../types.js';

/** Writes the spec (it holds the instance's secrets: mode 0600, inside the instance's own dir). */
export async function writeSpecFile(path: string, spec: InstanceSpec): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`; // writers may race
  await writeFile(tmp, `${JSON.stringify(spec)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Reads the spec; undefined when missing or malformed. */
export async function readSpecFile(path: string): Promise<InstanceSpec | undefined> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Partial<InstanceSpec>;
    const envOk =
      typeof v.env === 'object' && v.env !== null && Object.values(v.env).every((x) => typeof x === 'string');
    return isInstanceId(v.id) && envOk ? (v as InstanceSpec) : undefined;
  } catch {
    return undefined;
  }
}
