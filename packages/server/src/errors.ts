// The server's catalogue of codes (imports, Redis stores), rendered into docs/errors.md after the engine's.
import { type ErrorSection, engineErrorSections } from '@arbiter/engine';
import { campaignRunErrors } from './campaigns/campaign-run-errors.js';
import { campaignErrorStatus, campaignServiceErrors } from './campaigns/campaign-service-errors.js';
import { configManagerErrors, configManagerProblems } from './config-manager/config-manager-errors.js';
import { errorStatus, httpErrors, statusLine } from './http/errors.js';
import { importProblems, mappingProblems, rowReasons } from './import/import-errors.js';
import { profileStoreErrors, profileStoreEvents } from './redis/profile-store-errors.js';
import { apiKeyStoreErrors, authErrors } from './security/auth-errors.js';
import { streamCloseReasons, streamErrors } from './ws/stream-errors.js';

export const serverErrorSections: readonly ErrorSection[] = [
  {
    title: "HTTP API errors (`{ error: { code, message, field? } }`; each code's status is in the last table)",
    codes: httpErrors,
  },
  { title: 'Import mapping problems (`arbiter import`, exit 2)', codes: mappingProblems },
  { title: 'Import problems (`arbiter import`)', codes: importProblems },
  { title: 'Rejected rows (`arbiter import` rejects file, `reasons[].code`)', codes: rowReasons },
  { title: 'Redis profile store errors', codes: profileStoreErrors },
  {
    title: 'WebSocket stream errors (`{ type: "error", error: { code, message, field? } }` frames)',
    codes: streamErrors,
  },
  { title: 'WebSocket stream close reasons', codes: streamCloseReasons },
  { title: 'Authentication, authorisation and keys (HTTP 401, 403, 404, 429; WebSocket upgrade)', codes: authErrors },
  { title: 'API key store (start-up and key import)', codes: apiKeyStoreErrors },
  { title: 'Config reload and rollback (`POST /v1/config/reload`, `/rollback`)', codes: configManagerErrors },
  { title: 'Config reload problems beyond the file checks', codes: configManagerProblems },
  {
    title:
      'Campaign runs (`RunReport.errorCode`; the `/v1/campaigns` routes answer 404, 409 or 503; `arbiter campaign` exits 1 or 2)',
    codes: { ...campaignRunErrors, ...campaignServiceErrors },
  },
  { title: 'Redis profile store events (logged, counted in `stats()`)', codes: profileStoreEvents },
  {
    title: 'HTTP status of each code an HTTP route answers with (any other code is a fault: 500 `INTERNAL`)',
    codes: httpStatusTable({ ...errorStatus, ...campaignErrorStatus }),
  },
];

/** `CODE: 'HTTP 404'` rows, by status then code, from the maps the routes answer with. */
function httpStatusTable(statuses: Readonly<Record<string, number>>): Record<string, string> {
  const rows = Object.entries(statuses).sort(([a, x], [b, y]) => x - y || a.localeCompare(b));
  return Object.fromEntries(rows.map(([code, status]) => [code, `HTTP ${statusLine(status)}`]));
}

/** Every section of docs/errors.md, engine first. */
export const allErrorSections: readonly ErrorSection[] = [...engineErrorSections, ...serverErrorSections];
