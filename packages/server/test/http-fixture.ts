// A runtime and app for the HTTP tests: the demo rules, a small generated population, a fixed clock, outbound sends
// captured, and an API key per role.
import { fileURLToPath } from 'node:url';
import type { Channel, OutboundMessage } from '@arbiter/engine';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../src/http/app.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/runtime/runtime.js';
import type { Role } from '../src/security/roles.js';

export const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
/** 13:00 UTC: afternoon in Amsterdam, outside SMS quiet hours. */
export const NOW = Date.parse('2026-11-24T13:00:00Z');
/** Julia, a story subscriber: just attached to a US network. */
export const JULIA = 'SUB-90000001';

export interface TestApp {
  runtime: Runtime;
  app: FastifyInstance;
  keys: Record<Role, string>;
  /** Messages the trigger runner sent, by channel. */
  sent: OutboundMessage[];
  /** `app.inject` with the key of `role` (default admin; `null`: no key). */
  call(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    role?: Role | null,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Builds a runtime (200 generated subscribers + the stories, clock at NOW) and the app over it. */
export async function testApp(options: { app?: AppOptions; runtime?: Partial<RuntimeOptions> } = {}): Promise<TestApp> {
  const sent: OutboundMessage[] = [];
  const capture = (name: string): Channel => ({
    name,
    deliver: async (message) => {
      sent.push(message);
      return { ok: true };
    },
  });
  const runtime = await createRuntime({
    rulesDir: RULES,
    population: { count: 200, seed: 42 },
    clock: () => NOW,
    channels: [capture('sms'), capture('push'), capture('email')],
    ...options.runtime,
  });
  const app = await buildApp(runtime, { logger: false, ...options.app });
  const roles: Role[] = ['channel', 'agent', 'analyst', 'admin'];
  const keys = Object.fromEntries(roles.map((role) => [role, runtime.keys.create(role, `${role} test key`).key]));
  return {
    runtime,
    app,
    keys: keys as Record<Role, string>,
    sent,
    call(method, url, body, role = 'admin') {
      const headers: Record<string, string> = role === null ? {} : { 'x-api-key': keys[role] as string };
      return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
