// Treatment texts with `{{attribute}}` placeholders: split once at load, filled from the profile for chosen actions only.
import type { Treatment } from './actions-schema.js';
import type { CompiledTreatment } from './config-snapshot.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** Splits each text into [literal, name, literal, name, ..., literal]: odd positions are attribute names. */
export function compileTreatment(treatment: Treatment): CompiledTreatment {
  const compiled: Record<string, readonly string[] | undefined> = {};
  for (const [field, text] of Object.entries(treatment)) {
    if (typeof text === 'string') compiled[field] = Object.freeze(text.split(PLACEHOLDER));
  }
  return Object.freeze(compiled) as CompiledTreatment;
}

/** The treatment's texts with placeholders replaced by fact values (a missing fact renders as an empty string). */
export function renderTreatment(treatment: CompiledTreatment, facts: Readonly<Record<string, unknown>>): Treatment {
  const out: Record<string, string> = {};
  for (const field of Object.keys(treatment) as (keyof Treatment)[]) {
    const parts = treatment[field];
    if (!parts) continue;
    let text = parts[0] ?? '';
    for (let i = 1; i < parts.length; i += 2) text += format(lookup(facts, parts[i]!)) + (parts[i + 1] ?? '');
    out[field] = text;
  }
  return out;
}

function lookup(facts: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!name.includes('.')) return facts[name];
  let value: unknown = facts;
  for (const key of name.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Text for a placeholder: strings, numbers (to two decimals) and booleans; anything else (an object, a list) is empty. */
function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'boolean') return String(value);
  return '';
}
