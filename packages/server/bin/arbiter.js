#!/usr/bin/env node
// The arbiter CLI: runs the TypeScript entry point through tsx (the repository runs from source).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
