import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The workspace root. */
export const root = join(__dirname, '..', '..');
/** deploy/: the compose files and k8s/. */
export const deploy = join(root, 'deploy');
/** deploy/k8s: the kustomization and its manifests. */
export const k8sDir = join(deploy, 'k8s');

/** One parsed YAML document: a manifest or a compose file. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field by the tests
export type Doc = Record<string, any>;

/** Every document of a YAML text, failing on any parse error; `source` names it in the error. */
export function parseDocuments(text: string, source: string): Doc[] {
  const parsed = parseAllDocuments(text, { merge: true });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return list.map((doc) => doc.toJS() as Doc).filter((doc) => doc !== null);
}

/** Every document of a YAML file, failing on any parse error. */
export const documents = (file: string): Doc[] => parseDocuments(readFileSync(file, 'utf8'), file);

/** The YAML files of deploy/k8s, the kustomization among them. */
export const k8sFiles = readdirSync(k8sDir).filter((name) => name.endsWith('.yaml'));

/** Every object of deploy/k8s (all files but the kustomization) and the file it is in. */
export const manifests: { file: string; doc: Doc }[] = k8sFiles
  .filter((name) => name !== 'kustomization.yaml')
  .flatMap((name) => documents(join(k8sDir, name)).map((doc) => ({ file: name, doc })));
