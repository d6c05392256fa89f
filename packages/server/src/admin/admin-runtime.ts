// What the admin routes need from the runtime: the config manager, the API keys and the audit log.
import type { ConfigManager } from '../config-manager/config-manager.js';
import type { ApiKeyStore } from '../security/api-keys.js';
import type { AuditLog } from './audit-log.js';

/** The admin part of the server runtime; the full Runtime has these three fields among others. */
export interface AdminRuntime {
  config: ConfigManager;
  keys: ApiKeyStore;
  audit: AuditLog;
}

/** Options of every admin route plugin. */
export interface AdminRouteOptions {
  runtime: AdminRuntime;
}
