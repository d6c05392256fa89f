// Writes every config change to the audit log, whoever started it (an admin's reload, rollback, or the file watch).
import type { ConfigManager } from '../config-manager/config-manager.js';
import type { AuditLog } from './audit-log.js';

/**
 * Records reloads, rollbacks and rejected reloads with the versions before and after; returns the unsubscribe.
 * Call it once when the runtime is built, so changes the watch makes are audited like an admin's.
 * @example auditConfigChanges(runtime.config, runtime.audit);
 */
export function auditConfigChanges(config: ConfigManager, audit: AuditLog): () => void {
  return config.onChange((event) => {
    const who = event.by ?? 'unknown';
    switch (event.kind) {
      case 'reloaded':
        audit.record({ who, action: 'config.reload', before: event.previous, after: event.version });
        break;
      case 'rolled-back':
        audit.record({ who, action: 'config.rollback', before: event.previous, after: event.version });
        break;
      case 'rejected':
        audit.record({
          who,
          action: 'config.reload-rejected',
          before: event.previous,
          after: event.previous,
          detail: {
            problems: event.problems?.length ?? 0,
            codes: [...new Set(event.problems?.map((p) => p.code))],
          },
        });
        break;
    }
  });
}
