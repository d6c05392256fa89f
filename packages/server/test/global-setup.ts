// vitest global setup: one real redis-server for the whole run, on a free port, stopped at the end.
import type { TestProject } from 'vitest/node';
import { type RedisServer, startRedisServer } from './redis-server.js';

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
