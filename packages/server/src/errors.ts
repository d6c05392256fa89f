// The server's catalogue of codes (imports, Redis stores), rendered into docs/errors.md after the engine's.
import { type ErrorSection, engineErrorSections } from '@arbiter/engine';
import { campaignRunErrors } from './campaigns/campaign-run-errors.js';
import { campaignServiceErrors } from './campaigns/campaign-service-errors.js';
import { configManagerErrors, configManagerProblems } from './config-manager/config-manager-errors.js';
import { httpErrors } from './http/errors.js';
import { importProblems, mappingProblems, rowReasons } from './import/import-errors.js';
import { profileStoreErrors, profileStoreEvents } from './redis/profile-store-errors.js';
import { apiKeyStoreErrors, authErrors } from './security/auth-errors.js';
import { streamCloseReasons, streamErrors } from './ws/stream-errors.js';

export const serverErrorSections: readonly ErrorSection[] = [
  {
    title: 'HTTP API errors (`{ error: { code, message, field? } }`, with the status in docs/server-plan.md)',
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
  { title: 'Authentication and authorisation (HTTP 401, 403, 429; WebSocket upgrade)', codes: authErrors },
  { title: 'API key store (start-up and key import)', codes: apiKeyStoreErrors },
  { title: 'Config reload and rollback (`POST /v1/config/reload`, `/rollback`)', codes: configManagerErrors },
  { title: 'Config reload problems beyond the file checks', codes: configManagerProblems },
  {
    title:
      'Campaign runs (`RunReport.errorCode`; the `/v1/campaigns` routes answer 404 or 409; `arbiter campaign` exits 1 or 2)',
    codes: { ...campaignRunErrors, ...campaignServiceErrors },
  },
  { title: 'Redis profile store events (logged, counted in `stats()`)', codes: profileStoreEvents },
];

/** Every section of docs/errors.md, engine first. */
export const allErrorSections: readonly ErrorSection[] = [...engineErrorSections, ...serverErrorSections];
