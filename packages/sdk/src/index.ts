/** @module @arbiter/sdk — the typed client for the Arbiter server. Not written yet: it lands with the server. */
export {};
