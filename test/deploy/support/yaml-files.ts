/**
 * yaml-files: reads the deployment YAML (multi-document, compose merge keys) and reports
 * syntax problems with file and line instead of throwing.
 */
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';

export interface YamlParse {
  readonly docs: unknown[];
  readonly errors: string[];
}

/** parseYaml parses every document of text; empty documents are dropped. */
export function parseYaml(text: string, where: string): YamlParse {
  const docs: unknown[] = [];
  const errors: string[] = [];
  for (const doc of parseAllDocuments(text, { merge: true, prettyErrors: true })) {
    for (const e of doc.errors) errors.push(`${where}: ${e.message.split('\n')[0]}`);
    if (doc.errors.length) continue;
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) docs.push(value);
  }
  return { docs, errors };
}

/** readYaml parses a file (see parseYaml). */
export function readYaml(file: string, where = file): YamlParse {
  return parseYaml(fs.readFileSync(file, 'utf8'), where);
}

/** Obj is a parsed YAML mapping. */
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
