// Where Dutch subscribers roam, and the IANA time zone they are in while there.

import { type Weighted, weighted } from './random.js';

/** The home network's country and zone: everyone not roaming is here. */
export const HOME_COUNTRY = 'NL';
export const HOME_TIME_ZONE = 'Europe/Amsterdam';

/** EU/EEA countries in the mix: roam-like-at-home applies, so roaming passes target the others. */
export const EU_EEA: ReadonlySet<string> = new Set(['ES', 'FR', 'DE', 'BE', 'IT', 'AT', 'PT', 'GR', 'HR', 'DK']);

// Visited-country mix, by judgement after the usual ranking of Dutch holiday destinations: Spain, France,
// Germany and Belgium lead; Turkey and the US lead outside the EU; Suriname and Curaçao for family ties.
// About two thirds of roamers are in the EU/EEA. Weights are relative.
const COUNTRY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['ES', 13],
  ['FR', 12],
  ['DE', 12],
  ['BE', 9],
  ['IT', 7],
  ['GB', 5],
  ['AT', 4],
  ['PT', 4],
  ['GR', 4],
  ['CH', 2],
  ['HR', 2],
  ['DK', 1],
  ['TR', 7],
  ['US', 6],
  ['CA', 1],
  ['TH', 2],
  ['ID', 1.5],
  ['JP', 0.5],
  ['AE', 1.5],
  ['MA', 1.5],
  ['EG', 1],
  ['CW', 1.5],
  ['SR', 1],
  ['ZA', 0.5],
  ['MX', 0.5],
  ['BR', 0.5],
  ['AU', 0.5],
];

export const VISITED_COUNTRIES: Weighted<string> = weighted(COUNTRY_WEIGHTS);

// Time zones per country; where a country spans several, weighted by where Dutch visitors go.
const ZONES: Readonly<Record<string, Weighted<string>>> = {
  ES: weighted([
    ['Europe/Madrid', 0.9],
    ['Atlantic/Canary', 0.1],
  ]),
  FR: weighted([['Europe/Paris', 1]]),
  DE: weighted([['Europe/Berlin', 1]]),
  BE: weighted([['Europe/Brussels', 1]]),
  IT: weighted([['Europe/Rome', 1]]),
  GB: weighted([['Europe/London', 1]]),
  AT: weighted([['Europe/Vienna', 1]]),
  PT: weighted([['Europe/Lisbon', 1]]),
  GR: weighted([['Europe/Athens', 1]]),
  CH: weighted([['Europe/Zurich', 1]]),
  HR: weighted([['Europe/Zagreb', 1]]),
  DK: weighted([['Europe/Copenhagen', 1]]),
  TR: weighted([['Europe/Istanbul', 1]]),
  US: weighted([
    ['America/New_York', 0.45],
    ['America/Chicago', 0.18],
    ['America/Denver', 0.07],
    ['America/Los_Angeles', 0.3],
  ]),
  CA: weighted([
    ['America/Toronto', 0.6],
    ['America/Vancouver', 0.4],
  ]),
  TH: weighted([['Asia/Bangkok', 1]]),
  ID: weighted([
    ['Asia/Makassar', 0.6],
    ['Asia/Jakarta', 0.4],
  ]),
  JP: weighted([['Asia/Tokyo', 1]]),
  AE: weighted([['Asia/Dubai', 1]]),
  MA: weighted([['Africa/Casablanca', 1]]),
  EG: weighted([['Africa/Cairo', 1]]),
  CW: weighted([['America/Curacao', 1]]),
  SR: weighted([['America/Paramaribo', 1]]),
  ZA: weighted([['Africa/Johannesburg', 1]]),
  MX: weighted([['America/Cancun', 1]]),
  BR: weighted([['America/Sao_Paulo', 1]]),
  AU: weighted([['Australia/Sydney', 1]]),
};

/** The zone table for a visited country (home zone for an unknown one). */
export function zonesOf(country: string): Weighted<string> {
  return ZONES[country] ?? weighted([[HOME_TIME_ZONE, 1]]);
}
